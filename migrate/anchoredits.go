package migrate

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Edits and YAML anchors: a node that carries an anchor is also every alias of it, so an
// edit of that node, of a node inside it, or of the alias itself changes what each alias
// stands for, and no line of the diff shows it there; a deletion of an anchored node leaves
// its aliases dangling and the file unreadable. Such an edit is refused, whatever proposes
// it, with the anchor and the objects that use it (moves: anchors.go and hasAlias).

// aliasIndex is, for each anchor name of a document, the objects whose aliases use it, one
// entry an alias. Names are compared, not nodes, so that it holds for every copy of the
// document the gate tries edits on.
type aliasIndex map[string][]Resource

// indexAliases returns the aliases of the document root by anchor name, or nil when it has
// none.
func indexAliases(root *yaml.Node) aliasIndex {
	var idx aliasIndex
	var walk func(n *yaml.Node, holder Resource)
	walk = func(n *yaml.Node, holder Resource) {
		if n.Kind == yaml.AliasNode {
			if idx == nil {
				idx = aliasIndex{}
			}
			idx[aliasName(n)] = append(idx[aliasName(n)], holder)
			return
		}
		if r, ok := objectResource(n); ok {
			holder = r
		}
		for _, c := range n.Content {
			walk(c, holder)
		}
	}
	walk(root, Resource{})
	return idx
}

func aliasName(n *yaml.Node) string {
	if n.Alias != nil && n.Alias.Anchor != "" {
		return n.Alias.Anchor
	}
	return n.Value
}

// objectResource returns the object a mapping is, when it has a kind and an apiVersion.
func objectResource(n *yaml.Node) (Resource, bool) {
	if n.Kind != yaml.MappingNode || scalar(n, "kind") == "" || scalar(n, "apiVersion") == "" {
		return Resource{}, false
	}
	r := Resource{APIVersion: scalar(n, "apiVersion"), Kind: scalar(n, "kind")}
	if md := lookup(n, "metadata"); md != nil {
		r.Name, r.Namespace = scalar(md, "name"), scalar(md, "namespace")
	}
	return r, true
}

// errAnchored is why an edit is refused: it would change or remove an anchored node.
type errAnchored struct {
	anchor string
	users  []Resource
	self   Resource
	alias  bool // the edited node is the alias
}

func (e errAnchored) Error() string {
	if e.alias {
		return fmt.Sprintf("it would edit the YAML alias *%s, which stands for a node written elsewhere; write the value out here to migrate it", e.anchor)
	}
	seen := map[string]bool{}
	var names []string
	for _, u := range e.users {
		name := u.String()
		if u.Kind == "" || u == e.self {
			name = "this object"
		}
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return fmt.Sprintf("it would change the YAML anchor &%s, which %s also use%s as *%s: the edit would change %s too, and no line of the diff would show it; write the value out where each uses it to migrate them",
		e.anchor, strings.Join(names, " and "), map[bool]string{true: "s"}[len(names) == 1], e.anchor, map[bool]string{true: "it", false: "them"}[len(names) == 1])
}

// anchorsUntouched returns why one of the resolved edits of template t would change a node
// that an alias also stands for, or remove the anchor of an alias that stays; nil if none.
func (m *migration) anchorsUntouched(t podTemplate, rs []resolved) error {
	if len(m.aliases) == 0 {
		return nil
	}
	for _, r := range rs {
		refuse := func(n *yaml.Node) error {
			return errAnchored{anchor: n.Anchor, users: m.aliases[n.Anchor], self: t.resource}
		}
		for _, n := range append(append([]*yaml.Node{}, r.above...), r.node) {
			if n.Anchor != "" && len(m.aliases[n.Anchor]) > 0 {
				return refuse(n)
			}
		}
		if r.edit.Op != OpDelete {
			if r.node.Kind == yaml.AliasNode {
				return errAnchored{anchor: aliasName(r.node), alias: true}
			}
			continue
		}
		// A deleted node takes its own aliases with it; an anchor inside it that an alias
		// outside it uses would dangle.
		if n := anchorUsedOutside(r.node, m.aliases); n != nil {
			return refuse(n)
		}
	}
	return nil
}

// anchorUsedOutside returns a node inside n whose anchor has aliases outside n, or nil.
func anchorUsedOutside(n *yaml.Node, aliases aliasIndex) *yaml.Node {
	inside := map[string]int{}
	var anchored []*yaml.Node
	var walk func(*yaml.Node)
	walk = func(x *yaml.Node) {
		if x.Kind == yaml.AliasNode {
			inside[aliasName(x)]++
			return
		}
		if x.Anchor != "" {
			anchored = append(anchored, x)
		}
		for _, c := range x.Content {
			walk(c)
		}
	}
	walk(n)
	for _, a := range anchored {
		if len(aliases[a.Anchor]) > inside[a.Anchor] {
			return a
		}
	}
	return nil
}

// refuse reports a proposal that accept drops for err. A refusal for an anchor or a
// reference by name is kept over the gate's rounds: the round that is kept may no longer propose the edit (the container
// it served is held back), and the anchor is still why.
func (m *migration) refuse(t podTemplate, at *yaml.Node, p Proposal, err error) {
	what := p.Message
	if what == "" && len(p.Edits) > 0 {
		what = "the removal of " + p.Edits[0].Path.String() + ", which " + p.Rule.ID + " freed"
	}
	n := len(m.findings)
	m.report(ruleHackKept, Warning, t, at, p.Container, "%s: not done, %v", what, err)
	if kept(err) && m.refused != nil && len(m.findings) > n {
		*m.refused = append(*m.refused, m.findings[n])
	}
}

// kept reports whether a refusal holds whatever the gate decides: an anchor, a reference
// by name.
func kept(err error) bool {
	switch err.(type) {
	case errAnchored, errNamed:
		return true
	}
	return false
}

// keepRefusals adds the refusals of the gate's rounds that the findings do not hold.
func (m *migration) keepRefusals() {
	if m.refused == nil {
		return
	}
	for _, f := range *m.refused {
		if !slices.ContainsFunc(m.findings, func(g Finding) bool { return g.Line == f.Line && g.Message == f.Message }) {
			m.findings = append(m.findings, f)
		}
	}
	m.refused = nil
}

// anchorsKept checks, for the final check, that every anchor an alias of after uses stands
// for the same data as before, and is still there: no edit changed what an alias means.
func anchorsKept(before, after *yaml.Node) error {
	was, is := anchoredNodes(before), anchoredNodes(after)
	for name := range indexAliases(after) {
		a, b := was[name], is[name]
		_, defined := is[name]
		switch {
		case !defined:
			return fmt.Errorf("the alias *%s lost its anchor", name)
		case a != nil && b != nil && !sameData(a, b):
			return fmt.Errorf("the node of the anchor &%s changed, and its aliases with it", name)
		}
	}
	return nil
}

// anchoredNodes returns the node of each anchor name defined once in the tree, and nil for
// one defined more than once.
func anchoredNodes(root *yaml.Node) map[string]*yaml.Node {
	out, twice := map[string]*yaml.Node{}, map[string]bool{}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.AliasNode {
			return
		}
		if n.Anchor != "" {
			_, seen := out[n.Anchor]
			twice[n.Anchor] = twice[n.Anchor] || seen
			out[n.Anchor] = n
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(root)
	for name, t := range twice {
		if t {
			out[name] = nil // which one an alias means depends on where it is: not checked
		}
	}
	return out
}

// sameData reports whether two trees hold the same kinds, tags, values and order.
func sameData(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.Value != b.Value || a.ShortTag() != b.ShortTag() || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !sameData(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}
