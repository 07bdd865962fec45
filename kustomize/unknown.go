package kustomize

import (
	"fmt"
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
	var incomplete []*Kustomization
	for k := range p.repo.absent {
		incomplete = append(incomplete, k)
	}
	sort.Slice(incomplete, func(i, j int) bool { return incomplete[i].File < incomplete[j].File })
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
					p.refuse(w, fmt.Sprintf("%s addresses its containers and %s cannot be resolved (%s), so what it builds is unknown", pt, k.Name, p.repo.absent[k][0].Value+" not found"))
				}
			}
		}
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
	if len(p.repo.absent[c.root.Kustomization]) > 0 {
		return true
	}
	for _, s := range c.in.steps {
		if s.patch != nil && len(p.repo.absent[s.patch.Owner]) > 0 {
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
