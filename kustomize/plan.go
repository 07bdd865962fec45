package kustomize

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Plan is the decision for a repository: which workloads of the resource files the
// migration leaves alone, and the new content of the patches that follow the others.
type Plan struct {
	opts  migrate.Options
	repo  *repo
	roots []*Root
	// scope holds the absolute path of every file the migration may write, with its path
	// as walked; files outside it (a base above the given paths) are never edited.
	scope *walkedFiles
	// kustomizations holds the kustomization files found under the paths, which inline
	// patches are written into.
	kustomizations map[string]bool
	refused        map[*Workload]string
	skip           map[string][]migrate.Resource
	findings       map[string][]migrate.Finding
	edits          map[string]*kio.FileResult // patch files and kustomization files that change
	patchFiles     map[string]bool            // patch and data files: kustomize never builds them as objects
	cache          fileCache                  // the last resource file read
	pending        map[*Workload]string       // refusals found during a round of decide
	consumed       map[string]bool            // files whose findings and edits were handed out
	wd             string                     // the working folder, or "" when it cannot be told
	built          builtFindings              // findings of builds about workarounds (builtfindings.go)
	generatedMaps  []kio.GeneratedConfigMap   // the ConfigMaps of configMapGenerators (generators.go)
}

// Root is a kustomization that can be built on its own (not a component).
type Root struct {
	Dir           string // absolute
	Kustomization *Kustomization
	// Files are the files its build reads, absolute; set by Verifier, and while the plan
	// decides.
	Files map[string]bool
	// built maps the id of each workload it builds (kind/namespace/name, as built) to the
	// workload; Verifier.Before sets it.
	built     map[string]*Workload
	instances []*instance
}

// chain is one way a workload reaches a root: the instance holds the steps applied to it.
type chain struct {
	root *Root
	in   *instance
}

// NewPlan finds the kustomizations under paths and decides, per workload that they reach,
// whether it is migrated together with the patches that reach it or left alone. filter
// selects, as in the walk of the command, the files the migration may write. It returns nil
// when there is no kustomization under the paths.
func NewPlan(paths []string, filter kio.Filter, opts migrate.Options) (*Plan, error) {
	var listings kio.Listings // each folder read once for both walks
	found, err := findKustomizations(paths, &listings)
	if len(found) == 0 {
		return nil, err
	}
	defer collectOften()()
	p := &Plan{opts: opts, repo: newRepo(opts), scope: &walkedFiles{}, kustomizations: map[string]bool{}, refused: map[*Workload]string{},
		skip: map[string][]migrate.Resource{}, findings: map[string][]migrate.Finding{}, edits: map[string]*kio.FileResult{},
		patchFiles: map[string]bool{}, consumed: map[string]bool{}}
	p.wd, _ = os.Getwd()
	templates := map[string]bool{}
	p.repo.parsed = preload(found, func() {
		kio.WalkListed(paths, filter, &listings, func(in kio.Input) {
			abs, err := p.abs(in.Path)
			switch {
			case err != nil:
			case in.HelmTemplate:
				templates[abs] = true // a chart's template, not a kustomization or a manifest
			default:
				p.scope.add(abs, in.Path)
			}
		})
	})
	p.scope.done()
	p.repo.walked = p.scope
	for _, f := range found {
		if templates[f] {
			continue
		}
		p.kustomizations[f] = true
		k := p.repo.load(filepath.Dir(f))
		if k == nil || k.Component {
			continue
		}
		root := &Root{Dir: k.Dir, Kustomization: k}
		p.follow(root, true)
		p.roots = append(p.roots, root)
	}
	for _, e := range p.repo.errs {
		err = joinErr(err, e)
	}
	p.repo.missingFindings()
	p.repo.unresolvedFindings()
	for file, fs := range p.repo.findings {
		p.findings[file] = append(p.findings[file], fs...)
	}
	for _, k := range p.repo.kusts {
		if k == nil {
			continue
		}
		for _, pt := range k.Patches {
			if pt.Path != "" {
				p.patchFiles[pt.Path] = true
			}
		}
		for _, f := range k.DataFiles {
			p.patchFiles[f] = true // read as data: never migrated as a manifest
		}
	}
	p.refuseUnknownContext()
	p.decide()
	// The strategic merge loaded the Kubernetes OpenAPI schema, some megabytes that the rest
	// of the run does not use: let them go (a later merge loads it again).
	openapi.ResetOpenAPI()
	p.generatedMaps = p.listGenerated()
	p.release()
	return p, err
}

// follow finds the files a root reads and the instances it builds. report is set the first
// time, when a root that cannot be followed is reported and its workloads refused.
func (p *Plan) follow(root *Root, report bool) {
	k := root.Kustomization
	root.Files = map[string]bool{}
	insts, aerr := p.repo.accumulate(k, nil, nil, root.Files)
	if aerr != nil {
		insts = p.reachable(k, root.Files)
		if report {
			p.addFinding(k.File, migrate.Finding{Rule: migrate.RuleKustomizeRefused, Severity: migrate.Warning, Line: 1, Column: 1, Resource: k.resource(),
				Message: fmt.Sprintf("cannot follow this kustomization (%v); the workloads it reaches are left alone", aerr)})
			for _, in := range insts {
				p.refuse(in.w, fmt.Sprintf("%s cannot be followed", k.Name))
			}
		}
	}
	if p.repo.unresolved(k) != "" {
		insts = p.repo.expand(insts) // its lifecycle is unknown: every workload is replayed
	}
	root.instances = insts
}

// release drops what only the decision needed: the instances each root builds and the
// files it reads (Verifier and Unwritten follow the roots again), the resource files, the
// last file and the patches read. What stays is per file the plan changes, and the
// kustomizations.
func (p *Plan) release() {
	for _, r := range p.roots {
		r.instances, r.Files = nil, nil
	}
	p.repo.resources, p.repo.parsed = map[string]bool{}, nil
	p.cache = fileCache{}
	p.repo.patches = patches{}
}

// collectOften runs the garbage collector at Go's default target (the heap may grow to
// twice the live data) while the plan decides, unless a lower one is set, and returns the
// function that collects once and restores the target. The plan holds a few megabytes (the
// OpenAPI schema of the strategic merge, the structure of the repository) and makes much
// garbage replaying patches: at the higher target a command may set for the rest of the
// run, whose live data is tiny, the heap would grow to several times those megabytes, and
// it would right after the plan, the target being taken from the plan's live data unless
// it is collected first.
func collectOften() func() {
	old := debug.SetGCPercent(100)
	if old >= 0 && old < 100 {
		debug.SetGCPercent(old)
	}
	return func() {
		runtime.GC()
		debug.SetGCPercent(old)
	}
}

// abs is filepath.Abs with the working folder read once: it asks the system for it (two
// stat calls) every time, and the plan makes a path absolute twice for every file of a run.
func (p *Plan) abs(path string) (string, error) {
	if filepath.IsAbs(path) {
		return filepath.Clean(path), nil
	}
	if p.wd == "" {
		return filepath.Abs(path)
	}
	return filepath.Join(p.wd, path), nil
}

// reachable returns, for a kustomization that cannot be followed, the workloads of the
// files it reads as far as it got, so that they are left alone.
func (p *Plan) reachable(k *Kustomization, files map[string]bool) []*instance {
	var out []*instance
	for f := range files {
		if !p.repo.resources[f] {
			continue
		}
		for _, w := range p.repo.objects(f) {
			out = append(out, &instance{w: w, names: []string{w.Resource.Name}, namespaces: []string{w.Resource.Namespace}})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].w.File+fmt.Sprint(out[i].w.Doc) < out[j].w.File+fmt.Sprint(out[j].w.Doc)
	})
	return out
}

func joinErr(a, b error) error {
	if a == nil {
		return b
	}
	return fmt.Errorf("%w; %w", a, b)
}

func builtID(in *instance) string {
	return in.w.Resource.Kind + "/" + in.namespaces[len(in.namespaces)-1] + "/" + in.names[len(in.names)-1]
}

func (p *Plan) addFinding(file string, f migrate.Finding) {
	p.findings[file] = append(p.findings[file], f)
}

// refuse leaves a workload unmigrated, with the reason; the first reason wins.
func (p *Plan) refuse(w *Workload, why string) bool {
	if _, done := p.refused[w]; done {
		return false
	}
	p.refused[w] = why
	p.forget(w.File)
	return true
}

// inScope reports whether the migration writes the workload's file.
func (p *Plan) inScope(w *Workload) bool {
	return p.scope.has(w.File) && !p.patchFiles[w.File]
}

func (p *Plan) skipList(file string) []migrate.Resource {
	var list []migrate.Resource
	for w := range p.refused {
		if w.File == file {
			list = append(list, w.Resource)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].String() < list[j].String() })
	return list
}

// use records the edit a patch document needs for one workload it reaches.
type use struct {
	w     *Workload
	patch *Patch
	doc   int
	edit  patchEdit
}

// docKey names one document of a patch's text: a patch file may serve several entries.
type docKey struct {
	source string
	doc    int
}

// decide runs the analysis until no new workload is refused: refusing one can make a patch
// it shares with another ambiguous.
func (p *Plan) decide() {
	chains := map[*Workload][]chain{}
	var order []*Workload
	for _, root := range p.roots {
		for _, in := range root.instances {
			if in.w == nil {
				continue // a file no patch reaches: nothing to replay
			}
			if _, seen := chains[in.w]; !seen {
				order = append(order, in.w)
			}
			chains[in.w] = append(chains[in.w], chain{root: root, in: in})
		}
	}
	byFile(order)
	for _, k := range p.repo.kusts {
		if k != nil {
			p.repo.unresolved(k) // cached now: the analysis reads it from several workers
		}
	}
	for {
		uses := map[docKey][]use{}
		changed := false
		for i, edits := range p.analyseAll(order, chains) {
			for key, u := range edits {
				u.w = order[i]
				uses[key] = append(uses[key], u)
			}
		}
		for _, w := range order {
			if why, ok := p.refusedNow(w); ok {
				changed = p.refuse(w, why) || changed
			}
		}
		changed = p.ambiguous(uses) || changed
		if !changed && p.finish(uses) {
			p.blame(chains)
			return
		}
	}
}

// analyse replays every chain of a workload before and after the migration and returns the
// edit each patch document needs. A workload that cannot be migrated consistently is
// marked for refusal.
func (p *Plan) analyse(w *Workload, chains []chain) map[docKey]use {
	edits := map[docKey]use{}
	if p.unchanged(chains) {
		return edits
	}
	node, err := p.node(w)
	if err != nil {
		p.markRefused(w, fmt.Sprintf("its file cannot be read again: %v", err))
		return edits
	}
	migrated := p.inScope(w) && p.refused[w] == ""
	after := node
	if migrated {
		n, err := p.afterNode(w)
		if err != nil {
			p.markRefused(w, fmt.Sprintf("its file cannot be migrated: %v", err))
			migrated = false
		} else {
			after = n
		}
	}
	specs := migrate.PodSpecs(node, p.opts)
	for _, c := range chains {
		why := p.replay(node, c, specs, migrated, after, edits)
		if why != "" && migrated {
			p.markRefused(w, why)
		}
	}
	return edits
}

// skipStep reports whether a step whose target selects by label or annotation does not
// select the object as built so far, or why that cannot be told.
func skipStep(s step, obj *yaml.Node) (bool, string) {
	if s.when == nil {
		return false, ""
	}
	ok, err := s.when.selects(obj)
	if err != nil {
		return true, fmt.Sprintf("%s: %v", s.patch, err)
	}
	return !ok, ""
}

// touchesContainers reports whether a replacement reads or writes a field under
// containers or initContainers.
func touchesContainers(r replacement) bool {
	paths := []string{r.SrcPath}
	for _, t := range r.Targets {
		paths = append(paths, t.FieldPaths...)
	}
	for _, fp := range paths {
		if strings.Contains(fp, "containers") || strings.Contains(fp, "Containers") {
			return true
		}
	}
	return false
}

// patchDoc returns the document of a patch step, or nil for a step that is not a patch.
func (p *Plan) patchDoc(s step) (*yaml.Node, error) {
	if s.patch == nil {
		return nil, nil
	}
	docs, err := p.repo.patches.docs(s.patch)
	if err != nil {
		return nil, err
	}
	return docs[s.doc].Node, nil
}

// applyStep applies one step, with its patch document (doc) edited by e, to a copy of obj.
func applyStep(obj *yaml.Node, s step, doc *yaml.Node, e patchEdit, specs []migrate.PodSpec) (*yaml.Node, error) {
	if s.labels != nil || s.annotations != nil {
		out := yaml.CopyYNode(obj)
		for key, m := range map[string]map[string]string{"labels": s.labels, "annotations": s.annotations} {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				md := ensureMap(out, "metadata")
				setStr(ensureMap(md, key), k, m[k])
			}
		}
		return out, nil
	}
	if s.images != nil {
		out := yaml.CopyYNode(obj)
		var nodes []*yaml.Node
		for _, ps := range specs {
			if n := getPath(out, strings.Split(ps.Field, ".")...); n != nil {
				nodes = append(nodes, n)
			}
		}
		applyImages(out, nodes, s.images)
		return out, nil
	}
	doc = yaml.CopyYNode(doc)
	e.apply(doc)
	if !s.patch.JSON {
		return applyStrategicMerge(obj, doc)
	}
	out := yaml.CopyYNode(obj)
	for _, n := range doc.Content {
		if err := applyOp(out, readOp(n)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// markRefused notes a refusal found during a round; decide applies it after the round.
func (p *Plan) markRefused(w *Workload, why string) {
	if p.pending == nil {
		p.pending = map[*Workload]string{}
	}
	if _, ok := p.pending[w]; !ok {
		p.pending[w] = why
	}
}

func (p *Plan) refusedNow(w *Workload) (string, bool) {
	why, ok := p.pending[w]
	delete(p.pending, w)
	return why, ok
}

// ambiguous refuses the workloads of every patch document that would need different edits
// for different workloads, or an edit in a file the migration does not write.
func (p *Plan) ambiguous(uses map[docKey][]use) bool {
	changed := false
	for _, list := range uses {
		distinct := map[string]bool{}
		var names []string
		for _, u := range list {
			if !distinct[u.edit.key()] {
				distinct[u.edit.key()] = true
			}
			names = append(names, u.w.Resource.String())
		}
		pt := list[0].patch
		editable := p.editable(pt)
		for _, u := range list {
			if u.edit.identity() || p.refused[u.w] != "" {
				continue
			}
			switch {
			case len(distinct) > 1:
				changed = p.refuse(u.w, fmt.Sprintf("%s reaches %s, whose containers move differently", pt, strings.Join(uniq(names), " and "))) || changed
			case !editable:
				changed = p.refuse(u.w, fmt.Sprintf("%s would need editing and is outside the given paths", pt)) || changed
			}
		}
	}
	return changed
}

func uniq(list []string) []string {
	sort.Strings(list)
	return dedupe(list)
}

// editable reports whether the migration may write the patch.
func (p *Plan) editable(pt *Patch) bool {
	if pt.inline {
		return p.kustomizations[pt.Owner.File]
	}
	return p.scope.has(pt.Path)
}

// ensureMap returns the mapping at key of m, adding an empty one when it is missing.
func ensureMap(m *yaml.Node, key string) *yaml.Node {
	if v := get(m, key); v != nil && v.Kind == yaml.MappingNode {
		return v
	}
	v := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	setNode(m, key, v)
	return v
}

func setNode(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}
