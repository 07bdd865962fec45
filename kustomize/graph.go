package kustomize

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Workload is one object of a resource file that kustomizations reach.
type Workload struct {
	File     string // absolute path
	Doc      int    // index of its document among all the file's documents (kio.ParseWorkloads)
	Item     int    // index in a List's items, or -1
	Line     int
	Resource migrate.Resource
	// The object itself is not kept: the plan reads its file again when it replays the
	// patches that reach it (Plan.node).
}

// instance is a workload as one kustomization sees it: its names so far and the steps
// (patches, image rewrites) applied to it, in order.
//
// An instance of a resource file whose objects no patch, image, label, replacement or
// transformer could reach so far stands for all of them, unread: file is set, w is nil, and
// applied lists the kustomizations that renamed them. expand reads the file when one could.
type instance struct {
	w          *Workload
	file       string
	applied    []*Kustomization
	names      []string // the original name first, then after each prefix or suffix
	namespaces []string // the same for the namespace
	steps      []step
	reps       []repRef         // replacements that select it
	opaque     []*Kustomization // kustomizations that run transformer plugins on it
}

// step is one transformation of an instance: a patch document, an images list, or labels
// and annotations.
type step struct {
	patch *Patch
	doc   int // the patch's document that applies
	// when, for a patch whose target selects by label or annotation, is evaluated on the
	// object as built so far: the step applies only if it selects it.
	when        *selector
	images      []image
	labels      map[string]string
	annotations map[string]string
}

// repRef is a replacement that selects an instance, as a source or as a target.
type repRef struct {
	k   *Kustomization
	rep replacement
}

// repo is the kustomize structure under the paths: kustomizations and the files they reach.
type repo struct {
	kusts     map[string]*Kustomization // by folder
	workloads map[string][]*Workload    // by file
	errs      []error
	findings  map[string][]migrate.Finding  // by file
	remotes   map[string]bool               // entries already reported, by file:line
	absent    map[*Kustomization][]entryRef // entries that do not exist
	why       map[*Kustomization]string     // what each kustomization misses, directly or not (unresolved)
	walked    *walkedFiles                  // the files the walk took, with the paths it names them by
	resources map[string]bool               // the resource files kustomizations include
	opts      migrate.Options
	patches   patches
	parsed    map[string]parsed // kustomizations parsed ahead (preload), by folder, until loaded
}

// name returns the path of a file for messages: as the walk names it, or relative to the
// working folder when it is below it.
func (r *repo) name(abs string) string {
	if s, ok := r.walked.path(abs); ok {
		return s
	}
	return display(abs)
}

func newRepo(opts migrate.Options) *repo {
	return &repo{opts: opts, resources: map[string]bool{}, kusts: map[string]*Kustomization{}, workloads: map[string][]*Workload{}, findings: map[string][]migrate.Finding{}, remotes: map[string]bool{}, absent: map[*Kustomization][]entryRef{}, why: map[*Kustomization]string{}}
}

// load reads the kustomization of a folder, once; it returns nil when there is none or it
// cannot be read (the error is recorded).
func (r *repo) load(dir string) *Kustomization {
	if k, ok := r.kusts[dir]; ok {
		return k
	}
	r.kusts[dir] = nil
	pre, ok := r.parsed[dir]
	if !ok {
		file := kustomizationIn(dir)
		if file == "" {
			return nil
		}
		pre = parseFile(file)
	}
	delete(r.parsed, dir)
	if pre.err != nil {
		r.errs = append(r.errs, pre.err)
		return nil
	}
	k := pre.k
	k.Name = r.name(k.File)
	for _, p := range k.Patches {
		if p.err != nil {
			if errors.Is(p.err, fs.ErrNotExist) {
				r.missing(k, p.Line, "patch "+filepath.Base(p.Path))
			} else {
				r.errs = append(r.errs, fmt.Errorf("%s:%d: %w", k.Name, p.Line, p.err))
			}
		}
	}
	r.kusts[dir] = k
	return k
}

// objects returns the workloads (objects with a pod spec) of a resource file, read once.
func (r *repo) objects(file string) []*Workload {
	if ws, ok := r.workloads[file]; ok {
		return ws
	}
	data, err := os.ReadFile(file)
	if err == nil {
		return r.keep(file, workloadsOf(file, data, r.opts))
	}
	return r.keep(file, read{err: err})
}

// read is what a resource file holds: its workloads, or why it could not be read.
type read struct {
	ws  []*Workload
	err error
}

// keep caches the workloads of a file, recording its error.
func (r *repo) keep(file string, rd read) []*Workload {
	if rd.err != nil {
		r.errs = append(r.errs, rd.err)
	}
	r.workloads[file] = rd.ws
	return rd.ws
}

// workloadsOf returns the workloads of a resource file's content; it reads nothing else,
// so any goroutine may call it.
func workloadsOf(file string, data []byte, opts migrate.Options) read {
	if !bytes.Contains(data, []byte("containers")) {
		return read{} // no pod spec, as the migration itself tells before parsing
	}
	docs, err := kio.ParseWorkloads(file, data)
	if err != nil {
		return read{err: err}
	}
	var ws []*Workload
	for i, d := range docs {
		if d.Node == nil {
			continue // holds no pod, as the migration tells before parsing
		}
		add := func(n *yaml.Node, item int) {
			if n.Kind != yaml.MappingNode || str(n, "kind") == "" || len(migrate.PodSpecs(n, opts)) == 0 {
				return
			}
			md := get(n, "metadata")
			ws = append(ws, &Workload{File: file, Doc: i, Item: item, Line: d.LineOf(n),
				Resource: migrate.Resource{APIVersion: str(n, "apiVersion"), Kind: str(n, "kind"), Name: str(md, "name"), Namespace: str(md, "namespace")}})
		}
		if k := str(d.Node, "kind"); len(k) > 4 && k[len(k)-4:] == "List" && str(d.Node, "apiVersion") == "v1" {
			for j, item := range items(get(d.Node, "items")) {
				add(item, j)
			}
			continue
		}
		add(d.Node, -1)
	}
	return read{ws: ws}
}

// accumulate returns the instances that kustomization k builds, in kustomize's order:
// its resources and bases, then its components (which also transform what came before
// them), then its own transformations. inherited holds the instances a component gets from
// the kustomization that includes it. files collects every file the build reads.
func (r *repo) accumulate(k *Kustomization, inherited []*instance, stack []string, files map[string]bool) ([]*instance, error) {
	for _, d := range stack {
		if d == k.Dir {
			return nil, fmt.Errorf("%s: kustomizations include each other", k.Name)
		}
	}
	stack = append(stack, k.Dir)
	files[k.File] = true
	for _, f := range k.DataFiles {
		files[f] = true // a generator's script may be edited with the workloads
	}
	res := inherited
	for _, e := range k.Resources {
		if isRemote(e.Value) {
			r.remote(k, e)
			continue
		}
		p := filepath.Join(k.Dir, e.Value)
		isDir, err := r.isDir(p)
		if err != nil {
			r.missing(k, e.Line, "resource "+e.Value)
			continue
		}
		if !isDir {
			files[p] = true
			r.resources[p] = true
			res = append(res, &instance{file: p})
			continue
		}
		sub := r.load(p)
		if sub == nil {
			r.missing(k, e.Line, "the kustomization of resource "+e.Value)
			continue
		}
		subInst, err := r.accumulate(sub, nil, stack, files)
		if err != nil {
			return nil, err
		}
		res = append(res, subInst...)
	}
	for _, e := range k.Components {
		if isRemote(e.Value) {
			r.remote(k, e)
			continue
		}
		comp := r.load(filepath.Join(k.Dir, e.Value))
		if comp == nil {
			r.missing(k, e.Line, "component "+e.Value)
			continue
		}
		var err error
		if res, err = r.accumulate(comp, res, stack, files); err != nil {
			return nil, err
		}
	}
	return r.transform(k, res, files), nil
}

// isDir reports whether the resource entry at p names a folder, or the error of os.Stat. A
// file the walk took is none: the walk takes no folder, and a base's files are each named
// by several kustomizations, so the walk saves a stat call for nearly every entry.
func (r *repo) isDir(p string) (bool, error) {
	if r.walked.has(p) {
		return false, nil
	}
	st, err := os.Stat(p)
	if err != nil {
		return false, err
	}
	return st.IsDir(), nil
}

// transform adds k's own transformations to the instances, in kustomize's order: patches,
// namespace, name prefix and suffix, JSON 6902 patches, images; and notes the replacements
// that select them. A kustomization that only renames leaves unread files unread.
func (r *repo) transform(k *Kustomization, res []*instance, files map[string]bool) []*instance {
	res = r.expandFor(k, res)
	patch := func(late bool) {
		for _, p := range k.Patches {
			if p.late != late {
				continue
			}
			if p.Path != "" {
				files[p.Path] = true
			}
			for _, in := range res {
				if in.w == nil {
					continue // a file none of k's patches could reach (expandFor)
				}
				for _, d := range p.reaches(in) {
					st := step{patch: p, doc: d}
					if p.Target != nil && p.Target.byLabel() {
						st.when = p.Target
					}
					in.steps = append(in.steps, st)
				}
			}
		}
	}
	patch(false)
	for _, in := range res {
		if in.w == nil {
			in.applied = append(in.applied, k)
			continue
		}
		k.rename(in)
		if len(k.Labels) > 0 || len(k.Annotations) > 0 {
			in.steps = append(in.steps, step{labels: k.Labels, annotations: k.Annotations})
		}
	}
	patch(true)
	for _, in := range res {
		if len(k.Transformers) > 0 {
			in.opaque = append(in.opaque, k)
		}
		if len(k.Images) > 0 {
			in.steps = append(in.steps, step{images: k.Images})
		}
		for _, rep := range k.Replacements {
			selects := rep.Source != nil && rep.Source.matches(in)
			for _, t := range rep.Targets {
				selects = selects || (t.Select != nil && t.Select.matches(in))
			}
			if selects {
				in.reps = append(in.reps, repRef{k: k, rep: rep})
			}
		}
	}
	return res
}

// renamesOnly reports whether k does nothing to what it includes but set namespaces and
// names.
func (k *Kustomization) renamesOnly() bool {
	return len(k.Patches) == 0 && len(k.Labels) == 0 && len(k.Annotations) == 0 && len(k.Transformers) == 0 && len(k.Images) == 0 && len(k.Replacements) == 0
}

// rename sets the namespace and the names the instance gets from k.
func (k *Kustomization) rename(in *instance) {
	if k.Namespace != "" {
		in.namespaces = append(in.namespaces, k.Namespace)
	}
	if k.NamePrefix != "" || k.NameSuffix != "" {
		in.names = append(in.names, k.NamePrefix+in.names[len(in.names)-1]+k.NameSuffix)
	}
}

// expand reads the files that unread instances stand for: an instance per workload, with
// the names the kustomizations that included it gave it.
func (r *repo) expand(res []*instance) []*instance {
	var out []*instance
	for _, in := range res {
		if in.w != nil {
			out = append(out, in)
			continue
		}
		for _, w := range r.objects(in.file) {
			x := &instance{w: w, names: []string{w.Resource.Name}, namespaces: []string{w.Resource.Namespace}}
			for _, k := range in.applied {
				k.rename(x)
			}
			out = append(out, x)
		}
	}
	return out
}

// missing records, once per entry, that a kustomization names something that does not
// exist: kustomize build fails there, before as after.
func (r *repo) missing(k *Kustomization, line int, what string) {
	key := fmt.Sprintf("%s:%d", k.File, line)
	if r.remotes[key] {
		return
	}
	r.remotes[key] = true
	r.absent[k] = append(r.absent[k], entryRef{Value: what, Line: line})
}

// missingFindings turns the missing entries into one finding per kustomization.
func (r *repo) missingFindings() {
	for k, list := range r.absent {
		var names []string
		for _, e := range list {
			names = append(names, e.Value)
		}
		msg := fmt.Sprintf("%s not found", names[0])
		if len(names) > 3 {
			names = append(names[:3], fmt.Sprintf("and %d more", len(names)-3))
		}
		if len(list) > 1 {
			msg = fmt.Sprintf("%d entries not found (%s)", len(list), strings.Join(names, ", "))
		}
		r.findings[k.File] = append(r.findings[k.File], migrate.Finding{Rule: migrate.RuleKustomizeMissing, Severity: migrate.Warning, Line: list[0].Line, Column: 1, Resource: k.resource(),
			Message: msg + ": kustomize build fails here, before as after; what it builds is unknown, so nothing its patches address the containers of is moved"})
	}
}

// resource names a kustomization in findings.
func (k *Kustomization) resource() migrate.Resource {
	kind := "Kustomization"
	if k.Component {
		kind = "Component"
	}
	return migrate.Resource{Kind: kind, Name: filepath.Base(k.Dir)}
}

// remote records, once per entry, that a remote base or resource is left alone.
func (r *repo) remote(k *Kustomization, e entryRef) {
	key := fmt.Sprintf("%s:%d", k.File, e.Line)
	if r.remotes[key] {
		return
	}
	r.remotes[key] = true
	r.findings[k.File] = append(r.findings[k.File], migrate.Finding{Rule: migrate.RuleKustomizeRemote, Severity: migrate.Info, Line: e.Line, Column: 1, Resource: k.resource(),
		Message: fmt.Sprintf("remote resource %s left alone: migrate it where it lives; patches here that reach it are not edited", e.Value)})
}

// display returns a path for messages: relative to the working folder when it is below it.
func display(abs string) string {
	wd, err := os.Getwd()
	if err != nil {
		return abs
	}
	rel, err := filepath.Rel(wd, abs)
	if err != nil || rel == ".." || len(rel) > 2 && rel[:3] == ".."+string(filepath.Separator) {
		return abs
	}
	return rel
}
