package migrate

import (
	"sort"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Decide once, apply once: Decide reads a document and never edits it. It migrates a copy
// (the gate's trials included) and keeps the edited copy with the way back to the nodes it
// was copied from; Apply puts that outcome on the document itself, node by node, so a
// caller can take the document's layout between the two and render the edit without
// parsing or deciding again.

// Decision is what Migrate decided for one document, ready to apply to it.
type Decision struct {
	Result
	doc    *yaml.Node // the document decided on
	edited *yaml.Node // the copy of doc, migrated
	origin *origins   // a node of the copy -> the node of doc it copies
}

// Decide decides the migration of doc without editing it.
func Decide(doc *yaml.RNode, opts Options) Decision {
	n := doc.YNode()
	d := Decision{doc: n}
	root := documentRoot(n)
	if len(findPodTemplates(root, "", opts)) == 0 {
		d.Result = migrateTree(root, nil, opts, nil) // nothing to edit: no copy needed
		return d
	}
	var copies map[*yaml.Node]*yaml.Node
	d.edited, copies = cloneMapped(n)
	d.origin = &origins{copies: copies}
	d.Result = migrateTree(documentRoot(d.edited), root, opts, d.origin)
	return d
}

// Apply makes the decided edits on doc, the document Decide read (or one that has not
// changed since): a node that was copied gets its copy's fields back, with its children
// mapped the same way, so every node the edit keeps keeps its identity. Nothing is applied
// when nothing changed or a finding is an error.
func (d Decision) Apply(doc *yaml.RNode) {
	if d.edited == nil || !d.Changed() || d.Failed() {
		return
	}
	if doc.YNode() != d.doc {
		panic("migrate: a decision applied to another document")
	}
	placed := make(map[*yaml.Node]*yaml.Node, len(d.origin.copies)) // sized: growing it cost more than filling it
	var put func(c *yaml.Node) *yaml.Node
	put = func(c *yaml.Node) *yaml.Node {
		if t, ok := placed[c]; ok {
			return t
		}
		t := d.origin.of(c)
		if t == nil {
			t = c // a node the migration made
		}
		placed[c] = t
		content := make([]*yaml.Node, len(c.Content))
		for i, x := range c.Content {
			content[i] = put(x)
		}
		alias := c.Alias
		if o := d.origin.of(alias); o != nil {
			alias = o
		}
		*t = *c
		t.Content, t.Alias = content, alias
		return t
	}
	put(d.edited)
}

func documentRoot(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return n.Content[0]
	}
	return n
}

// migrateTree migrates root in place; before is the same tree unedited, for the final
// check (nil when root holds no pod template), and origin maps the nodes of root to those
// of before, to be kept up to date when a node is replaced by a copy.
func migrateTree(root, before *yaml.Node, opts Options, origin *origins) Result {
	var r Result
	m := migration{opts: opts, catalogue: newCatalogue(opts), origin: origin, aliases: indexAliases(root)}
	templates, shared := findPodTemplates(root, "", opts), findShared(root)
	var dry []podTemplate // the same templates in a copy, to try a migration on
	if shared != nil {
		dry = findPodTemplates(yaml.CopyYNode(root), "", opts)
	}
	for i, t := range templates {
		r.Stats.Workloads++
		if shared != nil && m.sharedLeftAlone(t, dry[i], shared) {
			continue
		}
		m.settle(root, t)
	}
	if before != nil {
		m.finalCheck(before, root)
	}
	r.Findings = m.findings
	r.Ignored = m.silenced
	r.Moved = m.movedList
	r.Moves = m.moves
	r.Stats.Sidecars = len(m.movedList)
	r.Stats.Workarounds = m.workarounds
	sort.SliceStable(r.Findings, func(i, j int) bool { return r.Findings[i].Line < r.Findings[j].Line })
	return r
}
