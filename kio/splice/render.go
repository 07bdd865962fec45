package splice

import (
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Render writes the edited tree doc as the original lines with only the changed entries
// spliced in: removed entries are cut, moved entries are copied from where they were (and
// re-indented when their nesting column differs), new scalar pairs get one line in the
// style of their siblings. It returns ErrUnsupported for edits it cannot express that way,
// and for a nil Layout. The text is not checked: the caller parses it back and compares it
// with doc (SameTree) before trusting it.
func (l *Layout) Render(doc *yaml.Node) (string, error) {
	if l == nil {
		return "", ErrUnsupported
	}
	root := doc
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		root = doc.Content[0]
	}
	c := l.colls[root]
	if c == nil {
		if root.Style&yaml.FlowStyle == 0 {
			return "", ErrUnsupported
		}
		// A document written in flow style (JSON included) is rebuilt by byte ranges.
		body, err := l.renderFlow(root)
		if err != nil {
			return "", err
		}
		t := l.text()
		return t[:l.start(root)] + body + t[l.end(root):], nil
	}
	body, err := l.entries(c, root)
	if err != nil {
		return "", err
	}
	var out []string
	out = append(out, l.lines[:c.entries[0].start]...)
	out = append(out, body...)
	out = append(out, l.lines[c.entries[len(c.entries)-1].end:]...)
	return join(out, l.endsWithNewline()), nil
}

func (l *Layout) endsWithNewline() bool {
	return len(l.lines) == 0 || strings.HasSuffix(l.lines[len(l.lines)-1], "\n")
}

// join concatenates lines, making sure every line but the last ends with a newline and the
// last ends with one exactly when the original did.
func join(lines []string, newline bool) string {
	var b strings.Builder
	for i, s := range lines {
		s = strings.TrimSuffix(s, "\n")
		b.WriteString(s)
		if i < len(lines)-1 || newline {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// entries renders the entries of n, whose original collection is c.
func (l *Layout) entries(c *collection, n *yaml.Node) ([]string, error) {
	var out []string
	last := -1 // index in c.entries of the last original entry written
	wasLast := false
	step := 2
	if n.Kind == yaml.SequenceNode {
		step = 1
	}
	for i := 0; i < len(n.Content); i += step {
		key, value := n.Content[i], n.Content[i+step-1]
		idx := indexOfEntry(c, key)
		if i == 0 && idx != 0 && l.sharesDash(c) {
			return nil, ErrUnsupported // the first key shares its line with the item's dash
		}
		switch {
		case idx >= 0:
			if idx < last {
				return nil, ErrUnsupported // reordered entries
			}
			if value != c.entries[idx].value {
				return nil, ErrUnsupported // a value swapped for another node, not edited in place
			}
			lines, err := l.entry(c.entries[idx], 0)
			if err != nil {
				return nil, err
			}
			out = append(append(out, l.staying(c.entries[last+1:idx])...), lines...)
			last, wasLast = idx, idx == len(c.entries)-1
		case l.owner[key] != nil && n.Kind == yaml.SequenceNode:
			lines, err := l.moved(key, c.col)
			if err != nil {
				return nil, err
			}
			out = append(out, lines...)
			wasLast = false
		case n.Kind == yaml.MappingNode:
			lines, err := l.newPair(c, n, key, value)
			if err != nil {
				return nil, err
			}
			out = append(out, lines...)
			wasLast = false
		case key.Kind == yaml.ScalarNode && l.allNew(key) && !strings.Contains(key.Value, "\n"):
			// A new one-line scalar item.
			out = append(out, strings.Repeat(" ", c.col)+"- "+encodeScalar(key)+"\n")
			wasLast = false
		default:
			return nil, ErrUnsupported
		}
	}
	if len(out) == 0 || len(n.Content) == 0 {
		return nil, ErrUnsupported // an emptied collection needs "[]" or "{}"
	}
	if stay := l.staying(c.entries[last+1:]); len(stay) > 0 {
		out, wasLast = append(out, stay...), false
	}
	if !wasLast {
		// The entry now last keeps no blank lines of its own: the original last entry's
		// trailing blank lines, kept outside the entries, separate what follows.
		out = trimBlankTail(out, n.Content[len(n.Content)-1])
	}
	return out, nil
}

// sharesDash reports whether c is a mapping that is a sequence item whose first key sits on
// the item's dash line.
func (l *Layout) sharesDash(c *collection) bool {
	if c.node.Kind != yaml.MappingNode {
		return false
	}
	first := l.lines[c.entries[0].line]
	return strings.HasPrefix(strings.TrimSpace(first[:min(c.col, len(first))]), "-")
}

func indexOfEntry(c *collection, n *yaml.Node) int {
	for i, e := range c.entries {
		if e.node == n {
			return i
		}
	}
	return -1
}

// entry renders one original entry, recursing into its value when it changed, and shifts
// its lines right (or left) by shift columns.
func (l *Layout) entry(e entry, shift int) ([]string, error) {
	if e.node != e.value && l.isDirty(e.node) {
		return nil, ErrUnsupported // a renamed or restyled key
	}
	var lines []string
	switch vc := l.colls[e.value]; {
	case !l.isDirty(e.value):
		lines = l.lines[e.start:e.end]
	case vc != nil:
		body, err := l.entries(vc, e.value)
		if err != nil {
			return nil, err
		}
		lines = append(lines, l.lines[e.start:vc.entries[0].start]...)
		lines = append(lines, body...)
		lines = append(lines, l.lines[vc.entries[len(vc.entries)-1].end:e.end]...)
	case e.node != e.value && len(l.orig[e.value].content) == 0 && e.value.Kind == yaml.SequenceNode && e.value.Style&yaml.FlowStyle == 0:
		// An empty sequence ("key: []" given block style, or a null "key:" made a sequence
		// in place) now holds moved items: the pair is written as a new one, keeping the
		// key's head comments.
		parent := l.owner[e.node]
		pair, err := l.newPair(parent, parent.node, &yaml.Node{Kind: yaml.ScalarNode, Value: e.node.Value}, e.value)
		if err != nil {
			return nil, err
		}
		keyLine := l.lines[e.line]
		if i := strings.Index(keyLine, " #"); i >= 0 { // keep the key line's comment
			pair[0] = strings.TrimSuffix(pair[0], "\n") + " " + strings.TrimLeft(keyLine[i:], " ")
		}
		lines = append(append(lines, l.lines[e.start:e.line]...), pair...)
		lines = append(lines, l.lines[e.line+1:e.end]...)
	case e.value.Style&yaml.FlowStyle != 0 && l.orig[e.value].style&yaml.FlowStyle != 0:
		body, err := l.renderFlow(e.value)
		if err != nil {
			return nil, err
		}
		base := l.offset(e.start+1, 1)
		text := strings.Join(l.lines[e.start:e.end], "")
		lines = splitLines([]byte(text[:l.start(e.value)-base] + body + text[l.end(e.value)-base:]))
	case e.value.Kind == yaml.ScalarNode:
		// A changed scalar is rewritten by byte range in its own style (scalar.go).
		base, limit := l.lineOffset(e.start), l.lineOffset(e.end)
		from, to, text, err := l.scalarEdit(e.value, limit)
		if err != nil {
			return nil, err
		}
		if to > limit {
			// The scalar runs past its entry's lines: a block scalar at the end of its
			// document whose trailing blank lines the entry left out.
			return nil, ErrUnsupported
		}
		t := l.text()
		lines = splitLines([]byte(t[base:from] + text + t[to:limit]))
	default:
		return nil, ErrUnsupported
	}
	return reindent(lines, shift), nil
}

// moved renders an item that comes from another sequence, at dash column col. It keeps the
// blank lines that followed it, which separate it from the next item; the caller trims them
// when the item ends its new list.
func (l *Layout) moved(item *yaml.Node, col int) ([]string, error) {
	from := l.owner[item]
	e := from.entries[indexOfEntry(from, item)]
	e.start = l.staysUntil(e) // what speaks of the place stays there
	return l.entry(e, col-from.col)
}

// trimBlankTail drops the trailing blank lines of the text of node n, unless they belong to
// its value (a "|+" block scalar at its end).
func trimBlankTail(lines []string, n *yaml.Node) []string {
	if keepsTrailingLines(n) {
		return lines
	}
	for len(lines) > 1 && isBlank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// newPair renders a pair the edit added to mapping n: a scalar value on one line, or a
// sequence of moved items under its key.
func (l *Layout) newPair(c *collection, n, key, value *yaml.Node) ([]string, error) {
	if key.Kind != yaml.ScalarNode || l.orig[key].content != nil {
		return nil, ErrUnsupported
	}
	indent := strings.Repeat(" ", c.col)
	switch {
	case value.Kind == yaml.ScalarNode && !strings.Contains(value.Value, "\n"):
		return []string{indent + plainKey(key.Value) + ": " + encodeScalar(value) + "\n"}, nil
	case value.Kind == yaml.MappingNode && l.colls[value] != nil:
		// A shared node: an original mapping, the value of a sibling key, set as the value
		// of a new key of the same mapping too: its lines are copied as they are.
		for _, e := range c.entries {
			if e.value == value {
				vc := l.colls[value]
				out := append([]string{indent + plainKey(key.Value) + ":\n"}, l.lines[vc.entries[0].start:vc.entries[len(vc.entries)-1].end]...)
				return trimBlankTail(out, value), nil
			}
		}
		return nil, ErrUnsupported
	case (value.Kind == yaml.MappingNode || value.Kind == yaml.SequenceNode) && value.Style&yaml.FlowStyle == 0 && l.allNew(value):
		st := detectStyle(l.lines)
		text, err := encodeYAML(value, st)
		if err != nil {
			return nil, ErrUnsupported
		}
		pad := strings.Repeat(" ", c.col+st.indent)
		if value.Kind == yaml.SequenceNode && st.compact {
			pad = indent
		}
		out := []string{indent + plainKey(key.Value) + ":\n"}
		for _, line := range splitLines([]byte(text)) {
			out = append(out, pad+line)
		}
		return out, nil
	case value.Kind == yaml.SequenceNode && value.Style&yaml.FlowStyle != 0 && len(value.Content) > 0:
		items, err := l.flowItems(value)
		if err != nil {
			return nil, err
		}
		return []string{indent + plainKey(key.Value) + ": " + items + "\n"}, nil
	case value.Kind == yaml.SequenceNode && value.Style&yaml.FlowStyle == 0 && len(value.Content) > 0:
		out := []string{indent + plainKey(key.Value) + ":\n"}
		col := c.col + l.movedOffset(n, value.Content)
		for _, item := range value.Content {
			if l.owner[item] == nil {
				return nil, ErrUnsupported
			}
			lines, err := l.moved(item, col)
			if err != nil {
				return nil, err
			}
			out = append(out, lines...)
		}
		return trimBlankTail(out, value.Content[len(value.Content)-1]), nil
	}
	return nil, ErrUnsupported
}

// allNew reports whether n and everything below it were added by the edit.
func (l *Layout) allNew(n *yaml.Node) bool {
	if _, ok := l.orig[n]; ok {
		return false
	}
	for _, c := range n.Content {
		if !l.allNew(c) {
			return false
		}
	}
	return true
}

// seqOffset returns how far the dashes of a block sequence in mapping m sit to the right of
// its keys: 0 for the compact style ("key:\n- a"), usually 2 for the indented one. It follows
// a sibling sequence when there is one (or was one, before the edit removed it), and the
// document's style otherwise.
func (l *Layout) seqOffset(m *yaml.Node) int {
	c := l.colls[m]
	for _, content := range [][]*yaml.Node{m.Content, l.orig[m].content} {
		for i := 1; i < len(content); i += 2 {
			if sc := l.colls[content[i]]; sc != nil && sc.node.Kind == yaml.SequenceNode {
				return sc.col - c.col
			}
		}
	}
	if st := detectStyle(l.lines); !st.compact {
		return st.indent
	}
	return 0
}

// movedOffset returns seqOffset for a new sequence of mapping m made of moved items: when
// they all come from one sequence of m (the containers a sidecar leaves for a new
// initContainers), the new one is laid out like it, so that the moved lines keep their
// indentation whatever style m's other sequences have.
func (l *Layout) movedOffset(m *yaml.Node, items []*yaml.Node) int {
	from := l.owner[items[0]]
	for _, item := range items {
		if l.owner[item] != from {
			return l.seqOffset(m)
		}
	}
	if c := l.colls[m]; c != nil && from != nil && from.node.Kind == yaml.SequenceNode {
		for _, e := range c.entries {
			if e.value == from.node {
				return from.col - c.col
			}
		}
	}
	return l.seqOffset(m)
}

// plainKey returns the YAML text of a mapping key.
func plainKey(k string) string {
	return encodeScalar(&yaml.Node{Kind: yaml.ScalarNode, Value: k, Tag: "!!str"})
}

// scalarKey is what the text of a one-line scalar depends on.
type scalarKey struct {
	value, tag string
	style      yaml.Style
}

// encoded holds the scalars encoded so far. A YAML encoder costs more than the rest of a
// render, and the keys and values an edit adds are few (restartPolicy: Always in every moved
// container): each is encoded once, up to a bound, in case some come from the input.
var encoded = struct {
	sync.Mutex
	text map[scalarKey]string
}{text: map[scalarKey]string{}}

// encodeScalar returns the YAML text of a one-line scalar in its style.
func encodeScalar(n *yaml.Node) string {
	k := scalarKey{n.Value, n.Tag, n.Style}
	encoded.Lock()
	s, ok := encoded.text[k]
	encoded.Unlock()
	if ok {
		return s
	}
	out, err := yaml.Marshal(&yaml.Node{Kind: yaml.ScalarNode, Value: n.Value, Tag: n.Tag, Style: n.Style})
	if s = n.Value; err == nil {
		s = strings.TrimSuffix(string(out), "\n")
	}
	encoded.Lock()
	if len(encoded.text) < 256 {
		encoded.text[k] = s
	}
	encoded.Unlock()
	return s
}

// reindent shifts lines by shift columns. Lines with too little indentation to move left
// (blank lines, comments at column 0) are left as they are; the semantic check catches a
// shift that changed the meaning.
func reindent(lines []string, shift int) []string {
	if shift == 0 {
		return lines
	}
	out := make([]string, len(lines))
	pad := strings.Repeat(" ", max(shift, 0))
	for i, s := range lines {
		switch {
		case isBlank(s):
			out[i] = s
		case shift > 0:
			out[i] = pad + s
		case indentOf(s) >= -shift:
			out[i] = s[-shift:]
		default:
			out[i] = s
		}
	}
	return out
}
