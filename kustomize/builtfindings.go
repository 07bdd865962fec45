package kustomize

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// What a build shows that its base does not: a component adds a Cloud SQL proxy with
// --quitquitquit to a base Job whose app runs a ConfigMap script. The migration of the base
// file sees no sidecar, so neither the warning that the script was not read nor the
// switch's info; the migration of the build makes both. They are reported where a reviewer
// makes the change: on the base file for a container of the base (the app that runs the
// script), on the patch that adds the container otherwise (the proxy and its switch).

// builtFindings are the findings of builds about workarounds, by workload, each once, with
// the file each is about.
type builtFindings map[*Workload][]fileFinding

type fileFinding struct {
	file string
	f    migrate.Finding
}

// noteBuilt records the findings of the migration of what chain c builds from base that
// concern a Job workaround and that the migration of the base alone does not make.
func (p *Plan) noteBuilt(base *yaml.Node, c chain, found []migrate.Finding) {
	w := c.in.w
	var own map[string]bool // the base's own findings, by rule and container: its file reports them
	for _, f := range found {
		if r, ok := rule.Lookup(f.Rule); !ok || r.Kind != rule.Workaround {
			continue
		}
		if own == nil {
			own = map[string]bool{}
			res := migrate.Migrate(yaml.NewRNode(yaml.CopyYNode(base)), p.opts)
			for _, g := range res.Findings {
				own[g.Rule+"\x00"+g.Container] = true
			}
		}
		if own[f.Rule+"\x00"+f.Container] {
			continue
		}
		file, line := p.origin(w, c, base, f)
		g := f
		g.Resource = w.Resource
		g.Line, g.Column = line, 1
		g.Message = fmt.Sprintf("as %s builds it (%s in %s): %s", c.root.Kustomization.Name, w.Resource, p.repo.name(w.File), f.Message)
		g.Fixed = false
		if p.built == nil {
			p.built = builtFindings{}
		}
		p.built.add(w, file, g)
	}
}

// add records f, about a line of file, once: the first build that makes it names itself.
func (b builtFindings) add(w *Workload, file string, f migrate.Finding) {
	for _, g := range b[w] {
		if g.file == file && g.f.Line == f.Line && g.f.Rule == f.Rule && g.f.Container == f.Container {
			return
		}
	}
	b[w] = append(b[w], fileFinding{file, f})
}

// reportBuilt adds the findings of builds of the workloads that are migrated.
func (p *Plan) reportBuilt() {
	ws := make([]*Workload, 0, len(p.built))
	for w := range p.built {
		if p.refused[w] == "" && p.inScope(w) {
			ws = append(ws, w)
		}
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].File+fmt.Sprint(ws[i].Doc) < ws[j].File+fmt.Sprint(ws[j].Doc) })
	for _, w := range ws {
		for _, ff := range p.built[w] {
			p.addFinding(ff.file, ff.f)
		}
	}
	p.built = nil
}

// origin returns the file and line a finding of a build is about: the base's line for a
// container of the base, else the patch step that adds the container.
func (p *Plan) origin(w *Workload, c chain, base *yaml.Node, f migrate.Finding) (string, int) {
	if f.Container == "" || baseHas(base, f.Container, p.opts) {
		return w.File, f.Line
	}
	for _, s := range c.in.steps {
		if s.patch == nil {
			continue
		}
		file := s.patch.Path
		if s.patch.inline {
			file = s.patch.Owner.File
		}
		docs, err := p.repo.patches.docs(s.patch)
		if err != nil || s.doc >= len(docs) {
			continue
		}
		if n := namedEntry(docs[s.doc].Node, f.Container); n != nil {
			if s.patch.inline {
				return file, s.patch.Line
			}
			return file, docs[s.doc].LineOf(n)
		}
	}
	return c.root.Kustomization.File, 1
}

// baseHas reports whether a container of that name is in a pod spec of base.
func baseHas(base *yaml.Node, name string, opts migrate.Options) bool {
	for _, ps := range migrate.PodSpecs(base, opts) {
		spec := getPath(base, strings.Split(ps.Field, ".")...)
		if hasContainer(get(spec, "containers"), name) || hasContainer(get(spec, "initContainers"), name) {
			return true
		}
	}
	return false
}

// namedEntry returns the mapping of a patch document that names a container: an entry
// with that name and an image.
func namedEntry(n *yaml.Node, name string) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.MappingNode && str(n, "name") == name && get(n, "image") != nil {
		return n
	}
	for _, c := range n.Content {
		if m := namedEntry(c, name); m != nil {
			return m
		}
	}
	return nil
}
