package splice

import (
	"bytes"
	"errors"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ErrUnsupported means the renderer cannot express an edit as a splice of the original
// text; the caller falls back to serializing the document.
var ErrUnsupported = errors.New("edit cannot be expressed as a line splice")

// Layout remembers, for the original tree of one document, every node's content and the
// line range of every entry of a block collection. It is taken before the tree is edited;
// after the edit, Render writes the new tree by copying the original lines of everything
// that did not change.
type Layout struct {
	lines []string // the document's lines, each with its "\n" except maybe the last
	orig  map[*yaml.Node]snapshot
	colls map[*yaml.Node]*collection
	owner map[*yaml.Node]*collection // entry node (key or item) -> its original collection
	dirty map[*yaml.Node]bool        // memo for isDirty

	parent  map[*yaml.Node]*yaml.Node // item of a flow sequence -> the sequence
	kept    []*yaml.Node              // backing array of the snapshots' content
	starts  []int                     // byte offset of each line, computed on first use
	content string                    // the lines joined, computed on first use
	aliases bool                      // the tree holds an alias (Region)
}

// snapshot is what a node held before the edit.
type snapshot struct {
	kind    yaml.Kind
	style   yaml.Style
	tag     string
	value   string
	content []*yaml.Node
}

// collection is a block mapping or block sequence of the original tree.
type collection struct {
	node    *yaml.Node
	col     int // 0-based column of the keys (mapping) or of the dashes (sequence)
	entries []entry
}

// entry is one key/value pair or one sequence item with its line range [start, end): its
// head comments, its own lines, and the blank lines after it (but not after the last entry).
type entry struct {
	node       *yaml.Node // the key of a pair, or the item
	value      *yaml.Node // the value of a pair, or the item
	start, end int
	line       int // the line of the key or of the item's dash
}

// Snapshot takes the layout of a parsed document, content being the text it was parsed
// from, before the tree is edited. It is nil, which Render refuses, when the lines cannot be
// spliced: a lone CR is a line break to the YAML parser but not to the line splicer, so node
// positions would not match lines.
func Snapshot(content []byte, doc *yaml.Node) *Layout {
	if hasLoneCR(content) {
		return nil
	}
	// Sized up front: growing maps of thousands of nodes, and a content slice per node, cost
	// more than the parse.
	nodes, children := countNodes(doc)
	l := &Layout{
		lines:  splitLines(content),
		orig:   make(map[*yaml.Node]snapshot, nodes),
		colls:  make(map[*yaml.Node]*collection, nodes/4),
		owner:  make(map[*yaml.Node]*collection, nodes),
		dirty:  make(map[*yaml.Node]bool, nodes),
		parent: map[*yaml.Node]*yaml.Node{},
		kept:   make([]*yaml.Node, 0, children),
	}
	l.walk(doc, 0, l.trimEnd(0, len(l.lines), 0))
	return l
}

// countNodes returns the number of nodes of the tree n and the sum of their content lengths.
func countNodes(n *yaml.Node) (nodes, children int) {
	nodes, children = 1, len(n.Content)
	for _, c := range n.Content {
		cn, cc := countNodes(c)
		nodes, children = nodes+cn, children+cc
	}
	return nodes, children
}

// keep copies a node's content for its snapshot into the shared backing array; no content
// stays nil.
func (l *Layout) keep(content []*yaml.Node) []*yaml.Node {
	if len(content) == 0 {
		return nil
	}
	start := len(l.kept)
	l.kept = append(l.kept, content...)
	return l.kept[start:len(l.kept):len(l.kept)]
}

// hasLoneCR reports whether b holds a carriage return that does not start a CRLF.
func hasLoneCR(b []byte) bool {
	for i := bytes.IndexByte(b, '\r'); i >= 0; i = bytes.IndexByte(b, '\r') {
		if i+1 >= len(b) || b[i+1] != '\n' {
			return true
		}
		b = b[i+1:]
	}
	return false
}

// splitLines splits b after each newline. The lines share one copy of b.
func splitLines(b []byte) []string {
	s := string(b)
	lines := make([]string, 0, strings.Count(s, "\n")+1)
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n') + 1
		if i == 0 {
			i = len(s)
		}
		lines = append(lines, s[:i])
		s = s[i:]
	}
	return lines
}

func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

func isComment(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "#") }

// headStart returns the first line of the comment lines directly above line (no blank line
// between) that are indented at most col, not going above lo.
func (l *Layout) headStart(line, lo, col int) int {
	for line > lo && isComment(l.lines[line-1]) && indentOf(l.lines[line-1]) <= col {
		line--
	}
	return line
}

// trimEnd drops trailing blank lines, and comment lines indented less than col, from [lo, hi).
func (l *Layout) trimEnd(lo, hi, col int) int {
	for hi > lo && (isBlank(l.lines[hi-1]) || (isComment(l.lines[hi-1]) && indentOf(l.lines[hi-1]) < col)) {
		hi--
	}
	return hi
}

// walk records n and its descendants. The content of n lies within lines [lo, hi).
func (l *Layout) walk(n *yaml.Node, lo, hi int) {
	l.orig[n] = snapshot{kind: n.Kind, style: n.Style, tag: n.Tag, value: n.Value, content: l.keep(n.Content)}
	l.aliases = l.aliases || n.Kind == yaml.AliasNode
	block := n.Style&yaml.FlowStyle == 0 && len(n.Content) > 0
	switch {
	case n.Kind == yaml.MappingNode && block:
		c := &collection{node: n, col: n.Content[0].Column - 1}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i]
			bound := lo
			if len(c.entries) > 0 {
				bound = c.entries[len(c.entries)-1].line + 1
			}
			c.entries = append(c.entries, entry{node: key, value: n.Content[i+1], line: key.Line - 1, start: l.headStart(key.Line-1, bound, c.col)})
		}
		l.close(c, lo, hi)
	case n.Kind == yaml.SequenceNode && block:
		c := &collection{node: n, col: n.Column - 1}
		for _, item := range n.Content {
			bound := lo
			if len(c.entries) > 0 {
				bound = c.entries[len(c.entries)-1].line + 1
			}
			dash := l.dashLine(item.Line-1, bound, c.col)
			c.entries = append(c.entries, entry{node: item, value: item, line: dash, start: l.itemStart(dash, bound, c.col)})
		}
		l.close(c, lo, hi)
	default:
		for _, child := range n.Content {
			if n.Kind == yaml.SequenceNode {
				l.parent[child] = n
			}
			l.walk(child, lo, hi)
		}
	}
}

// close sets the ends of a collection's entries, records it and walks the values.
func (l *Layout) close(c *collection, lo, hi int) {
	for i := range c.entries {
		if i+1 < len(c.entries) {
			c.entries[i].end = c.entries[i+1].start
		} else if keepsTrailingLines(c.entries[i].value) {
			c.entries[i].end = hi
		} else {
			c.entries[i].end = max(l.trimEnd(c.entries[i].line+1, hi, c.col), c.entries[i].line+1)
		}
	}
	l.colls[c.node] = c
	for _, e := range c.entries {
		l.owner[e.node] = c
		if e.node == e.value { // a sequence item, which may start on its dash line
			l.walk(e.value, e.line, e.end)
			continue
		}
		l.walk(e.node, e.start, e.end)
		l.walk(e.value, e.line+1, e.end)
	}
}

// keepsTrailingLines reports whether the last scalar under n is a block scalar with the
// keep indicator ("|+", ">+"), whose trailing blank lines are part of its value.
func keepsTrailingLines(n *yaml.Node) bool {
	for len(n.Content) > 0 {
		n = n.Content[len(n.Content)-1]
	}
	return n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 && strings.HasSuffix(n.Value, "\n\n")
}

// dashLine finds the line of the "-" that opens the sequence item starting at line.
func (l *Layout) dashLine(line, lo, col int) int {
	for i := line; i >= lo && i >= 0; i-- {
		s := l.lines[i]
		if len(s) > col && s[col] == '-' && strings.TrimSpace(s[:col]) == "" {
			return i
		}
	}
	return line
}

// isDirty reports whether n or anything below it differs from the original tree.
func (l *Layout) isDirty(n *yaml.Node) bool {
	if d, ok := l.dirty[n]; ok {
		return d
	}
	s, ok := l.orig[n]
	d := !ok || s.kind != n.Kind || s.style != n.Style || s.tag != n.Tag || s.value != n.Value || len(s.content) != len(n.Content)
	for i := 0; !d && i < len(n.Content); i++ {
		d = s.content[i] != n.Content[i] || l.isDirty(n.Content[i])
	}
	l.dirty[n] = d
	return d
}
