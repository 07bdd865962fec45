package migrate

import (
	"errors"
	"fmt"

	"github.com/sidecar-migrate/sidecar-migrate/internal/textedit"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Proposals: a workaround recogniser never edits the tree. It returns what it would change
// as data, a Proposal, and one mechanism (accept, below) drops the proposals that conflict
// or that serve a container the lifetime gate holds back, applies the others, and records
// each applied proposal's finding from the proposal itself. The same proposals, applied to
// a copy of the pod while the gate decides and to the real tree once it has, give the same
// result, because an Edit addresses its node by a path within the pod (a container by name,
// a field, an index), never by a pointer into one copy.
//
// A new workaround family is one new file: a function of type family that reads the pod
// and returns proposals, added to the families list below (in the order it must run:
// later families see the tree as the earlier ones' accepted proposals left it), plus its
// golden cases and their twins. It must not move a container or decide that one may move:
// the gate does that, on the containers' final commands once the proposals are applied.

// family is a kind of workaround: it reads pod p of migration m (options, rules turned off,
// the gate's held containers) and returns what it would change. It may report findings that
// are not changes (a near miss it leaves, with why), and may narrow p.apps; it never edits.
type family func(m *migration, p *pod) []Proposal

// families are the workaround families run after the containers that move are chosen, in
// order: each sees the tree as the accepted proposals of the ones before it left it.
var families = []family{controllers, stops, processNamespace, injectedStops, wrappers, quitSwitch, shutdownSwitches, kruiseEnv, terminatorMarks, terminatorContainers, configScripts}

// earlyFamilies run before the containers move, in order: what they remove decides whether a
// container that it stops may move (the gate holds the others back).
var earlyFamilies = []family{kubexitFamily, flagFile, freedVolumes}

// pod is what a family reads: one pod template (a copy while the gate decides) and what the
// migration chose for it.
type pod struct {
	t       podTemplate
	moving  []container // the containers that move to initContainers, as read
	natives []container // the native sidecars once they have moved
	all     []container // every container and init container, as read
	apps    []container // the containers that stay, whose workarounds may go
	// accepted are the proposals applied to this pod so far, in order.
	accepted []Proposal
}

// runFamilies runs every family over p, applying what each proposes before the next runs.
func (m *migration) runFamilies(p *pod, list []family) {
	for _, f := range list {
		p.accepted = append(p.accepted, m.accept(p.t, f(m, p))...)
	}
}

// Proposal is one change a recogniser would make to a pod template.
type Proposal struct {
	Rule         Rule   // the rule whose finding reports the change
	Container    string // the container the finding is about, or ""
	Line, Column int    // where the finding points
	Message      string
	Edits        []Edit // applied all at once, their paths resolved before any applies
	Releases     Releases
	// Workarounds is how many workarounds the change removes, for Stats.
	Workarounds int
	// Also are further findings of the same change (one script edit that removes a kill
	// and a shutdown call), recorded with it: fixed ones are infos that may be refused like
	// the main one (a disabled or ignored rule), others are reported only if it applies.
	Also []Note
}

// Note is a further finding that goes with a proposal.
type Note struct {
	Rule         Rule
	Severity     Severity
	Fixed        bool
	Container    string
	Line, Column int
	Message      string
}

// Releases is what a proposal frees: the containers whose self-termination it removes (a
// proposal is dropped when the gate holds one of them back, since the workaround still
// serves it), the volumes that nothing uses once it applies, and whether the shared process
// namespace served only what it removes.
type Releases struct {
	Containers       []string
	Volumes          []string
	ProcessNamespace bool
}

// Op is what an Edit does to its node.
type Op int

const (
	// OpText replaces byte ranges of a scalar's value (Text, offsets in the value).
	OpText Op = iota
	// OpSet sets a scalar's value, and with Restyle its style and tag.
	OpSet
	// OpDelete removes a list item or a mapping's key with its value; with Prune, a list
	// or mapping that this empties goes too, up to the root of the path.
	OpDelete
	// OpInsertAfter inserts a new scalar (Value, Style, Tag) after the list item at Path;
	// several inserted after one item keep their order.
	OpInsertAfter
)

// Edit is one change of one node, as data.
type Edit struct {
	Path  Path
	Op    Op
	Text  []textedit.Edit
	Value string
	Style yaml.Style
	Tag   string
	Prune bool
	// Restyle makes OpSet set Style and Tag too.
	Restyle bool
}

// errConflict is why a proposal is dropped: its edits overlap an accepted one's.
var errConflict = errors.New("it conflicts with another change")

// accept applies the proposals that may apply to template t and records their findings; it
// returns the ones applied. They are all read on the tree as it is, then made at once. A
// proposal is dropped, with a hack-not-removed warning, when a container it releases is
// held back by the gate, or when its edits conflict with those of one before it.
func (m *migration) accept(t podTemplate, ps []Proposal) []Proposal {
	var applied []Proposal
	var done []resolved
	for _, p := range ps {
		at := &yaml.Node{Line: p.Line, Column: p.Column}
		if held := m.heldAmong(p.Releases.Containers); held != "" {
			m.report(ruleHackKept, Warning, t, at, p.Container, "%s: not done, container %s stays a legacy sidecar and still needs it", p.Message, held)
			continue
		}
		rs, err := resolveAll(t, p.Edits, done)
		if err == nil {
			err = m.anchorsUntouched(t, rs)
		}
		if err == nil {
			err = deletionsUnnamed(t, rs)
		}
		if err != nil {
			m.refuse(t, at, p, err)
			continue
		}
		if !m.recordProposal(t, p) {
			continue
		}
		m.workarounds += p.Workarounds
		done = append(done, rs...)
		applied = append(applied, p)
	}
	if err := applyResolved(done); err != nil {
		panic(fmt.Sprintf("applying checked proposals: %v", err)) // resolveAll checked them
	}
	return applied
}

// heldAmong returns the first of names that the gate holds back, or "".
func (m *migration) heldAmong(names []string) string {
	for _, n := range names {
		if m.held[n] != nil {
			return n
		}
	}
	return ""
}

// recordProposal records the findings of a proposal and reports whether it may apply: a
// disabled or ignored rule neither reports nor fixes.
func (m *migration) recordProposal(t podTemplate, p Proposal) bool {
	// A proposal without a message follows from one accepted before (a freed volume).
	if p.Message != "" && !m.fix(p.Rule, t, &yaml.Node{Line: p.Line, Column: p.Column}, p.Container, "%s", p.Message) {
		return false
	}
	for _, n := range p.Also {
		if n.Fixed && !m.fix(n.Rule, t, &yaml.Node{Line: n.Line, Column: n.Column}, n.Container, "%s", n.Message) {
			return false
		}
	}
	for _, n := range p.Also {
		if !n.Fixed {
			m.report(n.Rule, n.Severity, t, &yaml.Node{Line: n.Line, Column: n.Column}, n.Container, "%s", n.Message)
		}
	}
	return true
}

// resolveAll resolves the edits of one proposal and checks them against each other and
// against the edits done before: text edits of one scalar must not overlap, and no edit
// may touch a node that another deletes or lies under.
func resolveAll(t podTemplate, edits []Edit, done []resolved) ([]resolved, error) {
	var rs []resolved
	for _, e := range edits {
		r, err := resolve(t, e.Path)
		if err != nil {
			return nil, err
		}
		r.edit = e
		for _, d := range done {
			if conflicts(r, d) {
				return nil, errConflict
			}
		}
		rs = append(rs, r)
	}
	// Within one proposal, a deletion under a node it also deletes is redundant (the mounts
	// of a deleted container); any other edit under a deleted node is a conflict.
	var kept []resolved
	for i, r := range rs {
		redundant := false
		for j, d := range rs {
			if i == j || d.edit.Op != OpDelete || !under(r, d.node) && (r.node != d.node || j > i) {
				continue
			}
			if r.edit.Op != OpDelete {
				return nil, errConflict
			}
			redundant = true
		}
		if !redundant {
			kept = append(kept, r)
		}
	}
	rs = kept
	for _, group := range textGroups(rs) {
		if _, err := textedit.Apply(group[0].node.Value, joinText(group)); err != nil {
			return nil, fmt.Errorf("%w: %v", errConflict, err)
		}
	}
	return rs, nil
}

// conflicts reports whether two edits, of two proposals, cannot both apply.
func conflicts(a, b resolved) bool {
	switch {
	case a.edit.Op == OpDelete && (a.node == b.node || under(b, a.node)):
		return true
	case b.edit.Op == OpDelete && (a.node == b.node || under(a, b.node)):
		return true
	case a.node != b.node:
		return false
	case a.edit.Op == OpText && b.edit.Op == OpText:
		_, err := textedit.Apply(a.node.Value, append(append([]textedit.Edit{}, a.edit.Text...), b.edit.Text...))
		return err != nil
	}
	return a.edit.Op != OpInsertAfter || b.edit.Op != OpInsertAfter
}

// under reports whether the node of r lies under n.
func under(r resolved, n *yaml.Node) bool {
	for _, a := range r.above {
		if a == n {
			return true
		}
	}
	return false
}

// textGroups groups the text edits by the scalar they edit, in order.
func textGroups(rs []resolved) [][]resolved {
	var groups [][]resolved
	at := map[*yaml.Node]int{}
	for _, r := range rs {
		if r.edit.Op != OpText {
			continue
		}
		i, ok := at[r.node]
		if !ok {
			i = len(groups)
			at[r.node] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], r)
	}
	return groups
}

func joinText(group []resolved) []textedit.Edit {
	var out []textedit.Edit
	for _, r := range group {
		out = append(out, r.edit.Text...)
	}
	return out
}

// applyResolved makes the edits of one proposal, all resolved before any is made.
func applyResolved(rs []resolved) error {
	for _, group := range textGroups(rs) {
		text, err := textedit.Apply(group[0].node.Value, joinText(group))
		if err != nil {
			return err
		}
		group[0].node.Value = text
	}
	lastInserted := map[*yaml.Node]*yaml.Node{}
	for _, r := range rs {
		e, n := r.edit, r.node
		switch e.Op {
		case OpSet:
			n.Value = e.Value
			if e.Restyle {
				n.Style, n.Tag = e.Style, e.Tag
			}
		case OpInsertAfter:
			seq := r.above[len(r.above)-1]
			after := n
			if last := lastInserted[n]; last != nil {
				after = last
			}
			item := &yaml.Node{Kind: yaml.ScalarNode, Tag: e.Tag, Value: e.Value, Style: e.Style}
			at := indexOfNode(seq.Content, after) + 1
			seq.Content = append(seq.Content[:at:at], append([]*yaml.Node{item}, seq.Content[at:]...)...)
			lastInserted[n] = item
		}
	}
	for _, r := range rs {
		if r.edit.Op == OpDelete {
			deleteResolved(r)
		}
	}
	return nil
}

// deleteResolved removes a node from its parent and, with Prune, every collection above it
// that this empties, up to (not including) the root of its path.
func deleteResolved(r resolved) {
	n := r.node
	for i := len(r.above) - 1; i >= 0; i-- {
		parent := r.above[i]
		removeChild(parent, n)
		if !r.edit.Prune || i == 0 || len(parent.Content) > 0 {
			return
		}
		n = parent
	}
}

// removeChild removes n from a list, or the pair whose value is n from a mapping.
func removeChild(parent, n *yaml.Node) {
	if parent.Kind == yaml.MappingNode {
		for i := 1; i < len(parent.Content); i += 2 {
			if parent.Content[i] == n {
				parent.Content = append(parent.Content[:i-1:i-1], parent.Content[i+1:]...)
				return
			}
		}
		return
	}
	parent.Content = removeNode(parent.Content, n)
}
