package migrate

import (
	"fmt"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

var ruleFinalCheck = Rule{ID: "internal-final-check", Matches: "a migrated document that fails the check of its outcome", Summary: "A bug: a moved container did not pass the lifetime gate on the written tree, or a statement went that no accepted proposal named. The document is left as it was."}

// finalCheck proves the outcome of the migration on the edited document and, when it does
// not hold, puts the document back as it was and reports an error: a bug, never silent.
func (m *migration) finalCheck(before, root *yaml.Node) {
	if uneditedOutcome(before, root, m.opts) {
		return
	}
	err := CheckOutcome(before, root, m.opts)
	if err == nil {
		return
	}
	*root = *before
	m.movedList, m.moves, m.workarounds = nil, nil, 0
	m.findings = append(m.findings, Finding{Rule: ruleFinalCheck.ID, Severity: Error, Line: root.Line, Column: root.Column,
		Message: "left as it was: the migration's outcome fails its own check (" + err.Error() + "); please report this"})
}

// CheckOutcome checks what must hold between a document before and after migration: in
// every pod template whose containers' exit may be final (run to completion, or unknown), a
// container that became native passes the lifetime gate on the output; every top-level
// statement that went from a script is one a recogniser proposes to remove; and every alias
// still stands for what it stood for.
func CheckOutcome(before, after *yaml.Node, opts Options) error {
	if before.Kind == yaml.DocumentNode && len(before.Content) == 1 {
		before = before.Content[0]
	}
	if after.Kind == yaml.DocumentNode && len(after.Content) == 1 {
		after = after.Content[0]
	}
	if err := anchorsKept(before, after); err != nil {
		return err
	}
	in, out := findPodTemplates(before, "", opts), findPodTemplates(after, "", opts)
	if len(in) != len(out) {
		return fmt.Errorf("%d pod templates became %d", len(in), len(out))
	}
	for i := range in {
		if err := checkTemplate(in[i], out[i]); err != nil {
			return fmt.Errorf("%s: %w", out[i].path, err)
		}
	}
	return nil
}

func checkTemplate(in, out podTemplate) error {
	wasNative := map[string]bool{}
	for _, n := range seqItems(lookup(in.spec, "initContainers")) {
		wasNative[scalar(n, "name")] = scalar(n, "restartPolicy") == "Always"
	}
	strict := in.strict() || out.strict()
	for _, n := range seqItems(lookup(out.spec, "initContainers")) {
		name := scalar(n, "name")
		if !strict || wasNative[name] || scalar(n, "restartPolicy") != "Always" {
			continue
		}
		if u := provenNative(out.spec, out.metadata, n); u != nil {
			return fmt.Errorf("container %s became native but is not proven long-lived: %s", name, u)
		}
	}
	if err := referencesResolve(in, out); err != nil {
		return err
	}
	return checkRemovals(in, out)
}

// checkRemovals checks that every statement missing from a script of out was proposed for
// removal by a recogniser reading in.
func checkRemovals(in, out podTemplate) error {
	after := map[string]*yaml.Node{}
	for _, n := range containerNodes(out.spec) {
		after[scalar(n, "name")] = n
	}
	native := func(name string) bool {
		for _, n := range seqItems(lookup(out.spec, "initContainers")) {
			if scalar(n, "name") == name && scalar(n, "restartPolicy") == "Always" {
				return true
			}
		}
		return false
	}
	allowed := proposedRemovals(in, native)
	terminatorRemovals(in, out, native, allowed.containers)
	for _, n := range containerNodes(in.spec) {
		name := scalar(n, "name")
		o := after[name]
		if o == nil {
			if !allowed.containers[name] {
				return fmt.Errorf("container %s was deleted, and no proposal deletes it", name)
			}
			continue
		}
		s := containerScript(n)
		if s == nil || s.file == nil {
			continue
		}
		kept := map[string]int{}
		if so := containerScript(o); so != nil && so.file != nil {
			for _, st := range so.file.Stmts {
				kept[shell.Print(st)]++
			}
		}
		for _, st := range s.file.Stmts {
			p := shell.Print(st)
			if kept[p] > 0 {
				kept[p]--
				continue
			}
			if !allowed.statement(name, p) {
				return fmt.Errorf("container %s lost %q, which no proposal removes", name, firstLine(p))
			}
		}
	}
	return nil
}

func containerNodes(spec *yaml.Node) []*yaml.Node {
	return append(append([]*yaml.Node{}, seqItems(lookup(spec, "initContainers"))...), seqItems(lookup(spec, "containers"))...)
}

// removals is what the recognisers propose for one pod: statements (printed) per container,
// and containers to delete.
type removals struct {
	stmts      map[string]map[string]bool
	containers map[string]bool
}

func (r removals) statement(container, printed string) bool {
	return r.stmts[container][printed]
}

// proposedRemovals runs the recognisers on a pod as it was and returns everything they
// propose to remove: the statements of app-side stops (with their status bookkeeping), the
// statements an exit-flag or kubexit rewrite drops, the workaround containers to delete.
func proposedRemovals(t podTemplate, native func(string) bool) removals {
	r := removals{stmts: map[string]map[string]bool{}, containers: map[string]bool{}}
	add := func(c, printed string) {
		if r.stmts[c] == nil {
			r.stmts[c] = map[string]bool{}
		}
		r.stmts[c][printed] = true
	}
	var containers, all []container
	for _, n := range seqItems(lookup(t.spec, "containers")) {
		containers = append(containers, readContainer(n))
	}
	all = append(all, containers...)
	for _, n := range seqItems(lookup(t.spec, "initContainers")) {
		all = append(all, readContainer(n))
	}
	for _, st := range planStops(t.spec, containers, all) {
		if st.stmt == nil {
			continue
		}
		add(st.app.name, shell.Print(st.stmt))
		for _, other := range st.script.file.Stmts {
			if statusVar(other) != "" || exitVar(other) != "" {
				add(st.app.name, shell.Print(other))
			}
		}
	}
	// A rewrite of a whole script (exit flag, kubexit) proposes the statements it drops.
	diff := func(n *yaml.Node, text string) {
		f, err := shell.Parse(text)
		for _, c := range all {
			s := containerScript(c.node)
			if s == nil || s.node != n || s.file == nil {
				continue
			}
			kept := map[string]int{}
			if err == nil {
				for _, st := range f.Stmts {
					kept[shell.Print(st)]++
				}
			}
			for _, st := range s.file.Stmts {
				if p := shell.Print(st); kept[p] > 0 {
					kept[p]--
				} else {
					add(c.name, p)
				}
			}
		}
	}
	if fp := planFlagFile(containers, t.spec); fp != nil {
		for n, text := range fp.scripts {
			diff(n, text)
		}
	}
	kx := planKubexit(all)
	for n, text := range kx.scripts {
		diff(n, text)
	}
	for _, c := range all {
		if kx.used && kubexitInstaller(c.node) {
			r.containers[c.name] = true // the init container that installs kubexit
		}
	}
	wrapperRemovals(t, all, r)
	for _, c := range containers {
		if deletable(t, c, native) == "" {
			r.containers[c.name] = true
		}
	}
	return r
}
