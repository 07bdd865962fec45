package kustomize

import (
	"fmt"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// stepState is one step of a chain as the build before met it: the object it applied to
// (never edited), the patch document, and whether it was skipped or why it could not be
// told. The build after reuses them rather than building the original twice.
type stepState struct {
	obj, doc *yaml.Node
	skip     bool
	why      string
}

// replay follows one chain. It returns why the workload cannot be migrated in it, or "".
func (p *Plan) replay(base *yaml.Node, c chain, specs []migrate.PodSpec, migrated bool, after *yaml.Node, edits map[docKey]use) string {
	where := c.root.Kustomization.Name
	unmoved := equal(after, base)
	states, sb, why, done := p.buildBefore(base, c, specs, unmoved)
	if done {
		return why
	}
	t := target{specs: specs, moved: map[string]map[string]bool{}, placement: p.opts.Placement}
	expected := yaml.CopyYNode(sb)
	if migrated {
		res := migrate.Migrate(yaml.NewRNode(expected), p.builtOptions(c, expected))
		if res.Failed() {
			if unmoved {
				return ""
			}
			return fmt.Sprintf("what %s builds from it cannot be migrated", where)
		}
		t.addMoves(res.Moves, base, after)
		p.noteBuilt(base, c, res.Findings)
	}
	matters := migrated && (!equal(expected, sb) || !unmoved)
	if !matters {
		migrated = false // nothing moves in this build: every patch stays as it is
	}
	if matters {
		if len(c.in.opaque) > 0 {
			return fmt.Sprintf("%s runs transformers, which this pass cannot follow", c.in.opaque[0].Name)
		}
		for _, r := range c.in.reps {
			if touchesContainers(r.rep) {
				return fmt.Sprintf("replacement at %s:%d reads or writes container fields, which the migration moves", r.k.Name, r.rep.Line)
			}
		}
	}
	return buildAfter(c, states, after, expected, t, migrated, edits)
}

// buildBefore applies every step as written to the base. It returns the state of each step
// and the object built; done is set when the replay ends there, with why (or "" when
// nothing moves and the build fails before as after).
func (p *Plan) buildBefore(base *yaml.Node, c chain, specs []migrate.PodSpec, unmoved bool) (states []stepState, built *yaml.Node, why string, done bool) {
	states = make([]stepState, len(c.in.steps))
	sb := base
	for i, s := range c.in.steps {
		if skip, why := skipStep(s, sb); why != "" || skip {
			if why != "" && !unmoved {
				return nil, nil, why, true
			}
			states[i] = stepState{skip: true, why: why}
			continue
		}
		doc, err := p.patchDoc(s)
		if err != nil {
			return nil, nil, err.Error(), true
		}
		states[i] = stepState{obj: sb, doc: doc}
		if sb, err = applyStep(sb, s, doc, patchEdit{}, specs); err != nil {
			if unmoved {
				return nil, nil, "", true // nothing to migrate, and the build fails before as after
			}
			return nil, nil, fmt.Sprintf("%s: %v", s.patch, err), true
		}
	}
	return states, sb, "", false
}

// addMoves notes the containers that end up in initContainers: those the migration of the
// build moved and those the base moved, which are in initContainers of every build after,
// whatever this build does with them: patches that name them must follow.
func (t target) addMoves(moves []migrate.Move, base, after *yaml.Node) {
	for _, mv := range moves {
		set := map[string]bool{}
		for _, name := range mv.Moved() {
			set[name] = true
		}
		t.moved[mv.Field] = set
	}
	for _, ps := range t.specs {
		path := strings.Split(ps.Field, ".")
		for _, c := range items(get(getPath(base, path...), "containers")) {
			name := str(c, "name")
			if hasContainer(get(getPath(after, path...), "initContainers"), name) {
				if t.moved[ps.Field] == nil {
					t.moved[ps.Field] = map[string]bool{}
				}
				t.moved[ps.Field][name] = true
			}
		}
	}
}

// buildAfter applies every step, with its patch edited to follow the migration, to the
// migrated workload, records the edit of each patch document, and checks that it builds
// expected, the migration of what the build before gave. When nothing moves (migrated is
// false) every edit is the identity and the build after is the build before: only the uses
// are recorded.
func buildAfter(c chain, states []stepState, after, expected *yaml.Node, t target, migrated bool, edits map[docKey]use) string {
	sa := yaml.CopyYNode(after)
	for i, s := range c.in.steps {
		st := states[i]
		if st.why != "" {
			return st.why
		} else if st.skip {
			continue
		}
		var e patchEdit
		var err error
		if s.patch != nil && migrated {
			if s.patch.JSON {
				e, err = jsonEdit(yaml.CopyYNode(st.doc).Content, yaml.CopyYNode(st.obj), yaml.CopyYNode(sa), t)
			} else {
				e, err = smpEdit(st.doc, sa, t)
			}
			if err != nil {
				return fmt.Sprintf("%s: %v", s.patch, err)
			}
			if !e.identity() && s.when != nil {
				return fmt.Sprintf("%s selects its targets by label or annotation, and it addresses moved containers", s.patch)
			}
		}
		if s.patch != nil {
			key := docKey{s.patch.source(), s.doc}
			if prev, seen := edits[key]; seen && prev.edit.key() != e.key() {
				return fmt.Sprintf("%s would need different edits in different builds", s.patch)
			}
			edits[key] = use{patch: s.patch, doc: s.doc, edit: e}
		}
		if !migrated {
			continue
		}
		if sa, err = applyStep(sa, s, st.doc, e, t.specs); err != nil {
			return fmt.Sprintf("%s does not apply to the migrated workload: %v", s.patch, err)
		}
	}
	if migrated {
		if d := difference(sa, expected); d != "" {
			return fmt.Sprintf("building %s after the migration would not give the migration of what it builds (they differ at %s)", c.root.Kustomization.Name, d)
		}
	}
	return ""
}
