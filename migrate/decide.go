package migrate

import (
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Deciding a pod template: the families' proposals are applied to a copy of the object
// that holds it, every container that would become native goes through the lifetime gate on
// that copy, and the ones that fail are held back (with the proposals that served only
// them, which accept drops) until nothing changes. The copy of the round that changed
// nothing is the outcome: it takes the object's place in the tree being decided, so the
// template is migrated once more only when its object holds other templates too.

// strict reports whether an unproven container must stay: in a run-to-completion pod an
// exit is final (a moved watcher would be restarted for ever), and where the lifecycle is
// unknown it may be.
func (t podTemplate) strict() bool { return t.runToCompletion || t.lifecycleUnknown }

// settle migrates template t of root: at once where nothing needs proving, else in rounds
// on copies until the gate holds back no more containers.
func (m *migration) settle(root *yaml.Node, t podTemplate) {
	held := map[string]*unproven{}
	m.held = held
	if !t.strict() || m.opts.skipped(t.resource) {
		m.template(t)
		return
	}
	m.refused = &[]Finding{} // what a round refused stays said, whichever round is kept
	defer m.keepRefusals()
	limit := len(seqItems(lookup(t.spec, "containers"))) + len(seqItems(lookup(t.spec, "initContainers"))) + 1
	obj, prefix := objectOf(root, t.path)
	for round := 0; round < limit; round++ {
		// Only the object that holds the template is copied: copying a whole List for each
		// of its items would make a List of n Jobs cost n² node copies.
		trial := migration{opts: m.opts, catalogue: m.catalogue, held: held, aliases: m.aliases, refused: m.refused}
		copied, copies := cloneMapped(obj)
		in := findPodTemplates(copied, prefix, m.opts)
		ct, ok := templateAt(in, t.path)
		if !ok {
			break
		}
		trial.template(ct)
		grew := false
		for _, n := range trial.natived {
			name := scalar(n, "name")
			if held[name] != nil {
				continue
			}
			if u := provenNative(ct.spec, ct.metadata, n); u != nil {
				held[name] = u
				grew = true
			}
		}
		if !grew && len(in) == 1 {
			m.adopt(obj, copied, copies, &trial)
			return
		}
		if !grew {
			break
		}
	}
	m.template(t)
}

// adopt makes the trial's copy of obj the outcome: it takes obj's place, its nodes (copies
// maps each node of obj to its copy) trace back to the nodes the decision copied, and the
// trial's findings and moves are the migration's.
func (m *migration) adopt(obj, copied *yaml.Node, copies map[*yaml.Node]*yaml.Node, trial *migration) {
	*obj = *copied
	if m.origin != nil {
		for was, c := range copies {
			if o := m.origin.of(was); o != nil {
				m.origin.set(c, o)
			}
		}
	}
	m.findings = append(m.findings, trial.findings...)
	m.silenced = append(m.silenced, trial.silenced...)
	m.movedList = append(m.movedList, trial.movedList...)
	m.moves = append(m.moves, trial.moves...)
	m.workarounds += trial.workarounds
}

// objectOf returns the object of root that holds the pod template at path (an item of a
// List, "items[N].", or root itself) with the field path prefix of that object.
func objectOf(root *yaml.Node, path string) (*yaml.Node, string) {
	obj, prefix := root, ""
	for {
		rest, ok := strings.CutPrefix(path[len(prefix):], "items[")
		end := strings.Index(rest, "].")
		if !ok || end < 0 {
			return obj, prefix
		}
		n, err := strconv.Atoi(rest[:end])
		items := seqItems(lookup(obj, "items"))
		if err != nil || n < 0 || n >= len(items) {
			return obj, prefix
		}
		obj, prefix = items[n], prefix+"items["+rest[:end]+"]."
	}
}

// templateAt returns the template at path.
func templateAt(templates []podTemplate, path string) (podTemplate, bool) {
	for _, t := range templates {
		if t.path == path {
			return t, true
		}
	}
	return podTemplate{}, false
}

// cloneMapped copies a YAML tree deeply, and returns with the copy the copy of each node
// (origins turns it round when needed); aliases point to the copies of their anchors. The copies and
// their content lists are cut from two arrays, and the maps sized, from a count of the
// tree: a workload is copied for every decision, and copying node by node was a good part
// of the run.
func cloneMapped(n *yaml.Node) (*yaml.Node, map[*yaml.Node]*yaml.Node) {
	nodes, items, aliases := countTree(n)
	slab := make([]yaml.Node, nodes)
	contents := make([]*yaml.Node, items)
	copies := make(map[*yaml.Node]*yaml.Node, nodes)
	var walk func(*yaml.Node) *yaml.Node
	walk = func(n *yaml.Node) *yaml.Node {
		if n == nil {
			return nil
		}
		if c := copies[n]; c != nil {
			return c // a node in two places stays one node
		}
		c := &slab[0]
		slab = slab[1:]
		*c = *n
		copies[n] = c
		c.Content, contents = contents[:len(n.Content):len(n.Content)], contents[len(n.Content):]
		for i, x := range n.Content {
			c.Content[i] = walk(x)
		}
		return c
	}
	out := walk(n)
	if aliases {
		for _, c := range copies {
			if c.Alias != nil {
				if a := copies[c.Alias]; a != nil {
					c.Alias = a
				}
			}
		}
	}
	return out, copies
}

// countTree counts the nodes of a tree and the items of their content lists, a node in two
// places twice, and tells whether it holds an alias.
func countTree(n *yaml.Node) (nodes, items int, aliases bool) {
	if n == nil {
		return 0, 0, false
	}
	nodes, items, aliases = 1, len(n.Content), n.Alias != nil
	for _, c := range n.Content {
		cn, ci, ca := countTree(c)
		nodes, items, aliases = nodes+cn, items+ci, aliases || ca
	}
	return nodes, items, aliases
}

// holdBack reports the containers the gate did not prove and drops the workaround removals
// that served only them: the exit flag they watch, kubexit that stops them.
func (m *migration) holdBack(t podTemplate, kubexit *kubexitPlan) {
	for _, n := range seqItems(lookup(t.spec, "containers")) {
		u := m.held[scalar(n, "name")]
		if u == nil {
			continue
		}
		if m.flags != nil && m.flags.watchers[n] && m.flags.problem == "" {
			m.flags.problem = "its watcher " + scalar(n, "name") + " stays a legacy sidecar"
		}
		if _, ok := readContainer(n).env["KUBEXIT_DEATH_DEPS"]; ok && kubexit.problem == "" {
			kubexit.problem = "container " + scalar(n, "name") + " stays a legacy sidecar, and kubexit stops it"
		}
	}
}

// reportHeld reports a container held back by the gate.
func (m *migration) reportHeld(t podTemplate, c container) {
	u := m.held[c.name]
	m.report(ruleSelfTerminating, Warning, t, c.node, c.name, "not moved: a native sidecar that exits is restarted, and this one may end or be stopped: %s", u)
}
