package kio

import (
	"bytes"
	"fmt"
	"os"
	"slices"

	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// The ConfigMap scripts of a repository: a Job in one file runs a script from a ConfigMap in
// another. Each file is migrated on its own, so the step runs when the files are emitted, in
// input order: a workload's run is known once its file is migrated, and a ConfigMap's file
// can be edited only once every workload of the run has been seen. So from the first file
// that may take part (a workload whose ConfigMap script its own file does not hold, or a
// ConfigMap with a key that reads as a script) the results are held back, and emitted, in
// the same order, at the end of the run with the edits made: a workload's warning goes, the
// findings of the script's edit land at the ConfigMap's key. Held results that do not change
// keep no content. A run interrupted before its end emits them unedited: what it did not see
// could hold the same ConfigMap.

// configNote is what a worker found, in one file, for the step; nil when the file holds no
// ConfigMap and no workload whose ConfigMap script is elsewhere.
type configNote struct {
	maps   []migrate.ConfigMapDoc    // the ConfigMaps of the file
	unread [][]byte                  // documents that mention a ConfigMap but do not parse
	runs   []migrate.ConfigScriptRun // runs whose script the file does not hold: their warning remains
	// textOnly: the content was read only for this step (the file holds no container).
	textOnly bool
	// others: the file has ConfigMaps that cannot hold a script (no .sh, .bash or #!), whose
	// names are read at the end of the run only if a workload's script is looked for; texts
	// holds them when the file is not on disk to be read again.
	others bool
	texts  []yamldoc.Doc
}

// takesPart reports whether the file may take part in an edit across files.
func (n *configNote) takesPart() bool {
	if n == nil {
		return false
	}
	if len(n.runs) > 0 || len(n.unread) > 0 {
		return true
	}
	for _, cm := range n.maps {
		if len(cm.ScriptKeys) > 0 {
			return true
		}
	}
	return false
}

// noteConfigUsers records what, in a file that holds no container, names a ConfigMap (a
// custom resource's configMap reference): its ConfigMap's script is then never edited for
// another file's workload. whole is the file's content when the scan held it.
func (r *FileResult) noteConfigUsers(f *os.File, whole []byte, opts migrate.Options) {
	if whole != nil && !migrate.MayUseConfigMap(whole) {
		return
	}
	data := whole
	if data == nil {
		var err error
		if data, err = readAgain(f); err != nil {
			return
		}
	}
	for _, d := range yamldoc.Decode(r.Path, data).Docs() {
		if migrate.MayUseConfigMap(d.Content) && !migrate.IsDefinition(d.Content) {
			if doc, err := d.Parse(); err == nil && doc != nil {
				r.addConfigUses(d.Content, doc, opts)
			}
		}
	}
}

// keepConfigMapText keeps the content of a file that holds no container but the word
// ConfigMap, which the step reads: whole when the scan held it, else read again from f.
func (r *FileResult) keepConfigMapText(f *os.File, whole []byte, info os.FileInfo) {
	if whole != nil && !mayHoldScript(whole) {
		r.config = &configNote{others: true} // read again at the end, if needed
		return
	}
	data := bytes.Clone(whole)
	if whole == nil {
		var err error
		if data, err = readAgain(f); err != nil {
			return // no ConfigMap of this file is counted: the cross-file step refuses none
		}
	}
	r.Before, r.After, r.Info = data, data, info
	r.config = &configNote{textOnly: true}
}

// noteConfigScripts records, in a worker, what the step needs of a migrated file: its
// ConfigMaps, and the runs whose warning that their script was not read remains. A file
// without the word ConfigMap and without that warning costs a byte search.
func (r *FileResult) noteConfigScripts(opts migrate.Options) {
	n := r.config
	if n == nil {
		n = &configNote{}
	}
	if migrate.MayHoldConfigMap(r.After) {
		for _, d := range yamldoc.Decode(r.Path, r.After).Docs() {
			if !migrate.MayHoldConfigMap(d.Content) {
				continue
			}
			if !mayHoldScript(d.Content) {
				n.others = true // only its name counts: read at the end, if needed
				if r.Info == nil {
					n.texts = append(n.texts, d)
				}
				continue
			}
			doc, err := d.Parse()
			if err != nil {
				n.unread = append(n.unread, d.Content)
				continue
			}
			if doc != nil {
				n.maps = append(n.maps, migrate.ConfigMapDocs(doc)...)
			}
		}
	}
	if r.Err == nil && slices.ContainsFunc(r.Findings, isConfigScriptWarning) {
		if runs, ok := configScriptRuns(r.Path, r.After, opts); ok {
			for _, run := range runs {
				run.File = r.Path
				if slices.ContainsFunc(r.Findings, run.Reports) {
					n.runs = append(n.runs, run)
				}
			}
		}
	}
	if n.textOnly && !n.takesPart() {
		r.Before, r.After, r.Info = nil, nil, nil // read for the step alone, and not needed
	}
	r.config = nil
	if len(n.maps) > 0 || n.others || n.takesPart() {
		r.config = n
	}
}

// mayHoldScript reports whether a ConfigMap's text may hold a key that reads as a script
// (migrate.ScriptKey): a byte check.
func mayHoldScript(text []byte) bool {
	return bytes.Contains(text, []byte(".sh")) || bytes.Contains(text, []byte(".bash")) || bytes.Contains(text, []byte("#!"))
}

func isConfigScriptWarning(f migrate.Finding) bool { return f.Rule == migrate.RuleConfigScript }

// configRepo is the step over the files of a run, fed in input order.
type configRepo struct {
	opts    migrate.Options
	holding bool
	held    []FileResult
	byName  map[string][]configMapAt // every ConfigMap of the run, by name
	uses    []migrate.ConfigMapUse   // what sees a ConfigMap, in every file of the run
	unread  []unreadAt
	others  []otherAt // files whose ConfigMaps are indexed only when needed
	// generated are the ConfigMaps the planner builds from files; the results of the files
	// edited come last.
	generated []GeneratedConfigMap
	files     []runFile      // every file of the run, searched for names at its end (nameUses)
	texts     map[int][]byte // the content of the files not on disk, by index in files
}

// configMapAt is a ConfigMap of the run: in held[held], or (-1) in a file already emitted.
type configMapAt struct {
	path string
	held int
	cm   migrate.ConfigMapDoc
}

type unreadAt struct {
	path string
	text []byte
}

// otherAt is a file of ConfigMaps that cannot hold a script: held[held], or (-1) emitted.
type otherAt struct {
	path  string
	held  int
	texts []yamldoc.Doc // nil: read the file again
}

// add takes the next result and emits it, or holds it back.
func (c *configRepo) add(r FileResult, emit func(FileResult)) {
	for _, u := range r.configUses {
		u.File = r.Path
		c.uses = append(c.uses, u)
	}
	r.configUses = nil
	n := r.config
	c.holding = c.holding || n.takesPart() || r.edited != nil
	at := -1
	if c.holding {
		at = len(c.held)
	}
	c.addFile(r, at)
	if n != nil {
		for _, cm := range n.maps {
			c.addMap(r.Path, at, cm)
		}
		for _, u := range n.unread {
			c.unread = append(c.unread, unreadAt{r.Path, u})
		}
		if n.others {
			c.others = append(c.others, otherAt{r.Path, at, n.texts})
		}
	}
	if !c.holding {
		r.config = nil
		emit(r)
		return
	}
	if !r.Changed() && r.Err == nil && !n.takesPart() && r.edited == nil {
		r.Before, r.After = nil, nil // nothing to write or show, and no ConfigMap to edit
	}
	c.held = append(c.held, r)
}

// flush makes the edits, when the run saw every file (complete), and emits the held results.
func (c *configRepo) flush(complete bool, emit func(FileResult)) {
	var scripts []FileResult
	if complete {
		c.addNameUses()
		scripts = c.edit()
	}
	for _, r := range c.held {
		r = c.unlessUsedElsewhere(r, complete)
		r.config, r.edited = nil, nil
		emit(r)
	}
	for _, r := range scripts {
		emit(r)
	}
	c.held = nil
}

// unlessUsedElsewhere returns r, or r as it was before its ConfigMap scripts were edited for
// its own workloads when another file of the run uses one of those ConfigMaps too, or when the
// run did not see every file.
func (c *configRepo) unlessUsedElsewhere(r FileResult, complete bool) FileResult {
	if r.edited == nil {
		return r
	}
	for _, run := range r.edited.runs {
		for _, u := range c.uses {
			if u.File == r.Path || u.ConfigMap != run.ConfigMap {
				continue
			}
			unedited := r.edited.unedited
			noteUnread(unedited.Findings, run, "its ConfigMap, in this file, was left as it is: "+u.Reason())
			return unedited
		}
	}
	if !complete {
		return r.edited.unedited
	}
	return r
}

// target is a ConfigMap file to edit: the runs of other files whose script it holds.
type target struct {
	runs []migrate.ConfigScriptRun
	from []int // the held result of each run
}

// edit matches each remaining run to the one ConfigMap of the run it can be, edits the
// ConfigMaps' files, and drops the warnings of the runs whose script was read.
func (c *configRepo) edit() []FileResult {
	if !c.pendingRuns() {
		return nil
	}
	c.indexOthers()
	targets := map[int]*target{}
	var order []int
	files := map[string]*scriptFile{}
	var fileOrder []string
	for wi := range c.held {
		n := c.held[wi].config
		if n == nil {
			continue
		}
		for _, run := range n.runs {
			if g, ok, why := c.generatedFor(c.held[wi].Path, run); ok {
				if why != "" {
					c.note(wi, run, why)
					continue
				}
				if files[g.File] == nil {
					files[g.File] = &scriptFile{gen: g}
					fileOrder = append(fileOrder, g.File)
				}
				files[g.File].runs = append(files[g.File].runs, run)
				files[g.File].from = append(files[g.File].from, wi)
				continue
			}
			ci, why := c.locate(c.held[wi].Path, run)
			if ci < 0 {
				c.note(wi, run, why)
				continue
			}
			if targets[ci] == nil {
				targets[ci] = &target{}
				order = append(order, ci)
			}
			targets[ci].runs = append(targets[ci].runs, run)
			targets[ci].from = append(targets[ci].from, wi)
		}
	}
	slices.Sort(order)
	for _, ci := range order {
		t := targets[ci]
		r := &c.held[ci]
		edit := r.editConfigMaps(t.runs, c.uses, c.opts)
		for j, run := range t.runs {
			w := &c.held[t.from[j]]
			if edit.read[j] {
				w.Findings = dropUnread(w.Findings, t.runs[j:j+1], map[int]bool{0: true})
				tie(r, w)
				continue
			}
			why := edit.refused[j]
			switch {
			case edit.err != nil:
				why = "it does not parse: " + edit.err.Error()
			case why == "":
				why = "its documents changed in number" // the migration of its workloads split one
			}
			c.note(t.from[j], run, fmt.Sprintf("it is in %s, where it was left as it is: %s", r.Path, why))
		}
	}
	slices.Sort(fileOrder)
	return c.editGenerated(files, fileOrder)
}

// tie records that a and b are written together or not at all: a script edited for a
// workload is right only with the workload's own migration.
func tie(a, b *FileResult) {
	if !slices.Contains(a.Together, b.Path) {
		a.Together = append(a.Together, b.Path)
	}
	if !slices.Contains(b.Together, a.Path) {
		b.Together = append(b.Together, a.Path)
	}
}

// note adds why to the warning that the run's script, in held[wi], was not read.
func (c *configRepo) note(wi int, run migrate.ConfigScriptRun, why string) {
	if why != "" {
		noteUnread(c.held[wi].Findings, run, why)
	}
}

// locate returns the held result whose ConfigMap is the one the run, of the file at path,
// reads, or -1 and why not (nothing when the run has no ConfigMap of that name). A
// namespace-less object is placed by kubectl in the namespace it is applied to: a
// namespace-less workload and ConfigMap meet, but one without a namespace and one with may or
// may not, so that is refused, as a name defined twice is.
func (c *configRepo) locate(path string, run migrate.ConfigScriptRun) (int, string) {
	var same, unsure []configMapAt
	for _, a := range c.byName[run.ConfigMap] {
		switch {
		case a.path == path:
			return -1, "" // its own file's step decided
		case a.cm.Namespace == run.Namespace:
			same = append(same, a)
		case a.cm.Namespace == "" || run.Namespace == "":
			unsure = append(unsure, a)
		}
	}
	for _, u := range c.unread {
		if u.text == nil {
			return -1, fmt.Sprintf("%s could not be read again, and may define it", u.path)
		}
		if bytes.Contains(u.text, []byte(run.ConfigMap)) {
			return -1, fmt.Sprintf("%s has a document that may define it and does not parse", u.path)
		}
	}
	switch {
	case len(same) > 1 || len(same) == 1 && len(unsure) > 0:
		return -1, fmt.Sprintf("ConfigMap %s is defined more than once in this run (%s): which one is applied cannot be told", run.ConfigMap, places(append(same, unsure...)))
	case len(unsure) > 0:
		return -1, fmt.Sprintf("a ConfigMap %s is in %s, in another namespace or in none: whether it is the one this workload mounts depends on the namespace each is applied to", run.ConfigMap, places(unsure))
	case len(same) == 0:
		return -1, ""
	}
	a := same[0]
	switch {
	case !slices.Contains(a.cm.Keys, run.Key):
		return -1, fmt.Sprintf("ConfigMap %s in %s has no key %q", run.ConfigMap, places(same), run.Key)
	case a.held < 0 || !slices.Contains(a.cm.ScriptKeys, run.Key):
		return -1, fmt.Sprintf("it is in %s, where key %q is not read as a script across files (its name ends in neither .sh nor .bash and its value does not start with #!)", places(same), run.Key)
	case c.held[a.held].Err != nil:
		return -1, fmt.Sprintf("it is in %s, which could not be read", a.path)
	}
	return a.held, ""
}

// places lists where ConfigMaps are, as FILE:LINE.
func places(at []configMapAt) string {
	s := ""
	for i, a := range at {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s:%d", a.path, a.cm.Line)
	}
	return s
}

// GeneratedConfigMap is a ConfigMap that a tool builds from a file of the repository (a
// kustomization's configMapGenerator): one key, the file it is made of, and the workload
// files built with it. A Planner that knows such ConfigMaps has a method
// GeneratedConfigMaps() []GeneratedConfigMap.
type GeneratedConfigMap struct {
	Name, Namespace string // as the workloads built with it name it
	Key             string // "" for an entry that changes a ConfigMap of a base
	File, Path      string // the file, absolute and as displayed; "" for a literal
	Kustomization   string // where it is declared, as displayed, and the line
	Line            int
	Resources       []string // the workload files built with it, absolute
	// AllNamespaced: the kustomization sets one namespace for all it builds.
	AllNamespaced bool
	// Outside: the file is outside the kustomization's folder, which kustomize reads only
	// with --load-restrictor LoadRestrictionsNone.
	Outside bool
}
