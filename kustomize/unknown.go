package kustomize

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A kustomization whose resources cannot all be resolved (a base copied in at build time, or
// outside the given paths) builds objects this pass cannot see: its context is unknown. Its
// patches may address, by name and container index, a base that lives elsewhere in the
// repository, so nothing they could reach is moved.

// refuseUnknownContext leaves alone every workload of the repository that a patch of such
// a kustomization could reach by kind and name and that the patch addresses the containers
// of.
func (p *Plan) refuseUnknownContext() {
	incomplete := p.repo.incomplete()
	var all []*Workload
	if p.unknownPatches(incomplete) {
		for f := range p.repo.resources {
			all = append(all, p.repo.objects(f)...)
		}
	}
	byFile(all)
	for _, k := range incomplete {
		for _, pt := range k.Patches {
			if pt.err != nil || !pt.touches {
				continue
			}
			for _, w := range all {
				if pt.couldReach(w) {
					p.refuse(w, fmt.Sprintf("%s addresses its containers and %s cannot be resolved (%s), so what it builds is unknown", pt, k.Name, p.repo.unresolved(k)))
				}
			}
		}
	}
}

// incomplete returns the kustomizations that cannot be resolved, sorted by file.
func (r *repo) incomplete() []*Kustomization {
	var out []*Kustomization
	for _, k := range r.kusts {
		if k != nil && r.unresolved(k) != "" {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out
}

// unresolved says what a kustomization misses, or "" when it can be resolved: an entry of
// its own that does not exist, or one in a kustomization it includes, however deep (a base
// whose own base is copied in at build time builds, once copied, objects this pass cannot
// see). It is asked once the kustomization has been followed.
func (r *repo) unresolved(k *Kustomization) string {
	if why, ok := r.why[k]; ok {
		return why
	}
	r.why[k] = "" // kustomizations that include each other are reported by accumulate
	why := ""
	if list := r.absent[k]; len(list) > 0 {
		why = list[0].Value + " not found"
	} else if sub, e := r.unresolvedSub(k); sub != nil {
		why = fmt.Sprintf("%s %s cannot be resolved", e.kind, e.Value)
		// Name the entry that is missing, down the chain (which may loop, in a repository
		// whose kustomizations include each other).
		for seen := map[*Kustomization]bool{}; sub != nil && !seen[sub]; sub, _ = r.unresolvedSub(sub) {
			seen[sub] = true
			if list := r.absent[sub]; len(list) > 0 {
				why += fmt.Sprintf(": %s:%d: %s not found", sub.Name, list[0].Line, list[0].Value)
				break
			}
		}
	}
	r.why[k] = why
	return why
}

// subEntry is an entry of a kustomization that names another kustomization.
type subEntry struct {
	entryRef
	kind string // "resource" or "component"
}

// unresolvedSub returns the first kustomization that k includes and that cannot be
// resolved, and the entry that names it.
func (r *repo) unresolvedSub(k *Kustomization) (*Kustomization, subEntry) {
	for _, list := range []struct {
		kind    string
		entries []entryRef
	}{{"resource", k.Resources}, {"component", k.Components}} {
		for _, e := range list.entries {
			if isRemote(e.Value) {
				continue
			}
			if sub := r.kusts[filepath.Join(k.Dir, e.Value)]; sub != nil && r.unresolved(sub) != "" {
				return sub, subEntry{e, list.kind}
			}
		}
	}
	return nil, subEntry{}
}

// unresolvedFindings adds one warning to every kustomization that cannot be resolved
// because of one it includes (those that miss an entry of their own have theirs).
func (r *repo) unresolvedFindings() {
	for _, k := range r.incomplete() {
		if len(r.absent[k]) > 0 {
			continue
		}
		_, e := r.unresolvedSub(k)
		r.findings[k.File] = append(r.findings[k.File], migrate.Finding{Rule: migrate.RuleKustomizeMissing, Severity: migrate.Warning, Line: e.Line, Column: 1, Resource: k.resource(),
			Message: r.unresolved(k) + ": kustomize build fails here, before as after; what it builds is unknown, so nothing its patches address the containers of is moved"})
	}
}

// unknownPatches reports whether a kustomization that cannot be resolved has a patch that
// addresses containers: only then are all the resource files read.
func (p *Plan) unknownPatches(incomplete []*Kustomization) bool {
	for _, k := range incomplete {
		for _, pt := range k.Patches {
			if pt.err == nil && pt.touches {
				return true
			}
		}
	}
	return false
}

// couldReach reports whether the patch could apply to the workload, whatever kustomization
// it comes through: by the target's kind and name, or a strategic-merge document's.
func (pt *Patch) couldReach(w *Workload) bool {
	in := &instance{w: w, names: []string{w.Resource.Name}, namespaces: []string{w.Resource.Namespace}}
	if pt.Target != nil {
		return pt.Target.matches(in) || (pt.Target.byLabel() && anchored(pt.Target.Kind, w.Resource.Kind))
	}
	for _, h := range pt.heads {
		if h.Kind == w.Resource.Kind && h.Name == w.Resource.Name {
			return true
		}
	}
	return false
}

// touchesContainerLists reports whether a patch, given its documents, sets, or addresses by
// path, containers or initContainers.
func touchesContainerLists(pt *Patch, docs []kio.Document) bool {
	if pt.JSON {
		for _, n := range ops(docs) {
			op := readOp(n)
			if strings.Contains(op.Path+" "+op.From, "ontainers") || (op.Value != nil && hasContainerKey(op.Value)) {
				return true
			}
		}
		return false
	}
	for _, d := range docs {
		if hasContainerKey(d.Node) {
			return true
		}
	}
	return false
}

func hasContainerKey(n *yaml.Node) bool {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i].Value; k == "containers" || k == "initContainers" {
				return true
			}
		}
	}
	for _, c := range n.Content {
		if hasContainerKey(c) {
			return true
		}
	}
	return false
}

// builtOptions returns the options the migration of what a chain builds runs with: a build
// through a kustomization that cannot be resolved has an unknown lifecycle, since what it
// builds may patch the restartPolicy or the kind's template.
func (p *Plan) builtOptions(c chain, built *yaml.Node) migrate.Options {
	if !p.incomplete(c) {
		return p.opts
	}
	md := get(built, "metadata")
	res := migrate.Resource{APIVersion: str(built, "apiVersion"), Kind: str(built, "kind"), Name: str(md, "name"), Namespace: str(md, "namespace")}
	opts := p.opts
	opts.Lifecycles = map[migrate.Resource]migrate.Lifecycle{res: migrate.LifecycleUnknown}
	for r, l := range p.opts.Lifecycles {
		opts.Lifecycles[r] = l
	}
	return opts
}

// incomplete reports whether a chain goes through a kustomization that cannot be resolved.
func (p *Plan) incomplete(c chain) bool {
	if p.repo.unresolved(c.root.Kustomization) != "" {
		return true
	}
	for _, s := range c.in.steps {
		if s.patch != nil && p.repo.unresolved(s.patch.Owner) != "" {
			return true
		}
	}
	return false
}

// unchanged reports whether every chain builds the workload as it is in its file, under its
// name: no patch, image, label, replacement or transformer reaches it, and every
// kustomization on the way is resolved. Each document of a file is migrated on its own, so
// building it after the migration gives the migration of what it built before: there is
// nothing to replay.
func (p *Plan) unchanged(chains []chain) bool {
	if len(p.opts.Lifecycles) > 0 {
		return false // the migration could depend on the name a build gives it
	}
	for _, c := range chains {
		if len(c.in.steps) > 0 || len(c.in.reps) > 0 || len(c.in.opaque) > 0 || p.incomplete(c) {
			return false
		}
	}
	return true
}
