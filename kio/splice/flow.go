package splice

import (
	"strings"
	"unicode/utf8"

	"github.com/sidecar-migrate/sidecar-migrate/internal/textedit"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Flow collections ({...} and [...], JSON included) are edited by byte ranges rather than
// by lines: a changed flow collection is rebuilt from its original text with removed entries
// cut out (with their comma), new entries inserted with the separator their neighbours use,
// and changed children rendered the same way.

// offset returns the byte offset in the document of a 1-based line and (character) column.
func (l *Layout) offset(line, col int) int {
	if l.starts == nil {
		l.starts = make([]int, len(l.lines)+1)
		for i, s := range l.lines {
			l.starts[i+1] = l.starts[i] + len(s)
		}
	}
	s := l.lines[line-1]
	b := 0
	for i := 1; i < col && b < len(s); i++ {
		_, w := utf8.DecodeRuneInString(s[b:])
		b += w
	}
	return l.starts[line-1] + b
}

func (l *Layout) text() string {
	if l.content == "" {
		l.content = strings.Join(l.lines, "")
	}
	return l.content
}

func (l *Layout) start(n *yaml.Node) int { return l.offset(n.Line, n.Column) }

// end returns the byte offset just after node n in the original text, or -1.
func (l *Layout) end(n *yaml.Node) int {
	t, s := l.text(), l.start(n)
	orig := l.orig[n]
	switch {
	case orig.kind == yaml.AliasNode:
		return s + 1 + len(orig.value)
	case orig.kind == yaml.ScalarNode && orig.style&yaml.DoubleQuotedStyle != 0:
		return quoteEnd(t, s, '"')
	case orig.kind == yaml.ScalarNode && orig.style&yaml.SingleQuotedStyle != 0:
		return quoteEnd(t, s, '\'')
	case orig.kind == yaml.ScalarNode && orig.style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0:
		if strings.HasPrefix(t[s:], orig.value) {
			return s + len(orig.value)
		}
		return -1
	case (orig.kind == yaml.MappingNode || orig.kind == yaml.SequenceNode) && orig.style&yaml.FlowStyle != 0:
		return bracketEnd(t, s)
	}
	return -1
}

// quoteEnd returns the offset after the quoted scalar starting at s, or -1.
func quoteEnd(t string, s int, q byte) int {
	for i := s + 1; i < len(t); i++ {
		switch {
		case q == '"' && t[i] == '\\':
			i++
		case t[i] == q && q == '\'' && i+1 < len(t) && t[i+1] == '\'':
			i++
		case t[i] == q:
			return i + 1
		}
	}
	return -1
}

// bracketEnd returns the offset after the flow collection opening at s, skipping quoted
// scalars and comments, or -1.
func bracketEnd(t string, s int) int {
	depth := 0
	for i := s; i < len(t); i++ {
		switch c := t[i]; c {
		case '"', '\'':
			if !startsScalar(t, s, i) {
				continue // a quote inside a plain scalar, as in 0" or don't
			}
			if i = quoteEnd(t, i, c) - 1; i < 0 {
				return -1
			}
		case '#':
			if i > 0 && (t[i-1] == ' ' || t[i-1] == '\t' || t[i-1] == '\n') {
				if nl := strings.IndexByte(t[i:], '\n'); nl >= 0 {
					i += nl
				} else {
					return -1
				}
			}
		case '[', '{':
			depth++
		case ']', '}':
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

// renderFlow returns the new text of node n, whose original text is [start(n), end(n)).
func (l *Layout) renderFlow(n *yaml.Node) (string, error) {
	t := l.text()
	if _, known := l.orig[n]; known && !l.isDirty(n) {
		s, e := l.start(n), l.end(n)
		if e < 0 {
			return "", ErrUnsupported
		}
		return t[s:e], nil
	}
	if n.Kind == yaml.ScalarNode {
		return l.flowScalar(n)
	}
	orig, known := l.orig[n]
	if !known || orig.style&yaml.FlowStyle == 0 || orig.kind != n.Kind || (n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode) {
		return "", ErrUnsupported
	}
	s, e := l.start(n), l.end(n)
	if e < 0 {
		return "", ErrUnsupported
	}
	edits, err := l.flowEdits(n, orig.content)
	if err != nil {
		return "", err
	}
	out, err := textedit.ApplyRange(t, s, e, edits)
	if err != nil {
		return "", ErrUnsupported // the scan disagrees with the parser: serialize instead
	}
	return out, nil
}

// flowSpan is the original text [from, to) of one entry of a flow collection.
type flowSpan struct{ from, to int }

// flowSpans returns the spans of the original entries old (step nodes an entry: 2 for a
// mapping) and each entry's index by its first node.
func (l *Layout) flowSpans(old []*yaml.Node, step int) ([]flowSpan, map[*yaml.Node]int, error) {
	spans := make([]flowSpan, 0, len(old)/step)
	index := map[*yaml.Node]int{}
	for i := 0; i < len(old); i += step {
		from, to := l.start(old[i]), l.end(old[i+step-1])
		if to < 0 {
			return nil, nil, ErrUnsupported
		}
		index[old[i]] = len(spans)
		spans = append(spans, flowSpan{from, to})
	}
	return spans, index, nil
}

// flowEdits computes the edits that turn the original entries of flow collection n into
// its new ones.
func (l *Layout) flowEdits(n *yaml.Node, old []*yaml.Node) ([]textedit.Edit, error) {
	t := l.text()
	step := 1
	if n.Kind == yaml.MappingNode {
		step = 2
	}
	spans, oldIndex, err := l.flowSpans(old, step)
	if err != nil {
		return nil, err
	}
	kept := map[int]bool{}
	var edits []textedit.Edit
	last := -1
	type pending struct {
		text   string
		before int // index of the original entry it goes before, or -1 for the end
	}
	var adds []pending
	for i := 0; i < len(n.Content); i += step {
		k := n.Content[i]
		if idx, ok := oldIndex[k]; ok {
			if idx < last {
				return nil, ErrUnsupported
			}
			last = idx
			kept[idx] = true
			if v := n.Content[i+step-1]; l.isDirty(v) || (step == 2 && l.isDirty(k)) {
				if step == 2 && l.isDirty(k) {
					return nil, ErrUnsupported
				}
				txt, err := l.renderFlow(v)
				if err != nil {
					return nil, err
				}
				edits = append(edits, textedit.Edit{From: l.start(v), To: l.end(v), Text: txt})
			}
			for j := range adds {
				if adds[j].before == -2 {
					adds[j].before = idx
				}
			}
			continue
		}
		txt, err := l.flowEntry(n, k, n.Content[i+step-1])
		if err != nil {
			return nil, err
		}
		adds = append(adds, pending{txt, -2})
	}
	if len(kept) == 0 {
		return nil, ErrUnsupported // an emptied or wholly replaced collection
	}
	lastKept := -1
	for i := range spans {
		if kept[i] {
			lastKept = i
		}
	}
	// Removed entries take their separator with them: the one after, or, past the last
	// kept entry, the one before.
	for i, sp := range spans {
		switch {
		case kept[i]:
		case i < lastKept:
			edits = append(edits, textedit.Edit{From: sp.from, To: spans[i+1].from})
		default:
			edits = append(edits, textedit.Edit{From: spans[lastKept].to, To: sp.to})
		}
	}
	sep := entrySeparator(t, spans)
	for _, a := range adds {
		if a.before >= 0 {
			edits = append(edits, textedit.Edit{From: spans[a.before].from, To: spans[a.before].from, Text: a.text + "," + sep})
			continue
		}
		edits = append(edits, textedit.Edit{From: spans[lastKept].to, To: spans[lastKept].to, Text: "," + sep + a.text})
	}
	return edits, nil
}

// entrySeparator returns the white space after the commas of a flow collection, whose
// entries are spans: the white space in front of its second entry. With one entry, it is
// the line break and indentation in front of that entry when it sits on its own line, else
// one space, or none in a document that never writes one after a comma (compact JSON):
// what follows the opening bracket ("[{") says nothing about what follows a comma.
func entrySeparator(t string, spans []flowSpan) string {
	if len(spans) > 1 {
		return separatorBefore(t, spans[1].from)
	}
	if ws := separatorBefore(t, spans[0].from); strings.Contains(ws, "\n") {
		return ws
	}
	if strings.Contains(t, ", ") {
		return " "
	}
	return ""
}

// separatorBefore returns the white space in front of the entry at offset at: the line
// break and indentation when entries sit on their own lines, else one space (or none).
func separatorBefore(t string, at int) string {
	i := at
	for i > 0 && (t[i-1] == ' ' || t[i-1] == '\t' || t[i-1] == '\n') {
		i--
	}
	ws := t[i:at]
	if nl := strings.LastIndexByte(ws, '\n'); nl >= 0 {
		return ws[nl:]
	}
	return ws
}

// flowEntry renders a new entry of flow collection n: a pair with a scalar value, a pair
// whose value is a flow sequence of moved items, or a moved item.
func (l *Layout) flowEntry(n, key, value *yaml.Node) (string, error) {
	if n.Kind == yaml.SequenceNode {
		if key.Kind == yaml.ScalarNode && l.allNew(key) && !strings.Contains(key.Value, "\n") {
			return encodeScalar(key), nil // a new one-line scalar item
		}
		return l.movedFlow(key)
	}
	// JSON-like mappings quote their keys: the new key follows its original neighbours.
	quoted := l.orig[n].content[0].Style&yaml.DoubleQuotedStyle != 0
	k := plainKey(key.Value)
	if quoted {
		k = jsonString(key.Value)
	}
	colon := ": "
	if first := l.orig[n].content; l.end(first[0]) > 0 && !strings.HasPrefix(l.text()[l.end(first[0]):], ": ") {
		colon = ":" // compact JSON
	}
	switch {
	case value.Kind == yaml.ScalarNode:
		v := *value
		if quoted || siblingQuoted(n) {
			v.Style = yaml.DoubleQuotedStyle
		}
		return k + colon + encodeScalar(&v), nil
	case value.Kind == yaml.SequenceNode:
		items, err := l.flowItems(value)
		if err != nil {
			return "", err
		}
		return k + colon + items, nil
	}
	return "", ErrUnsupported
}

// flowItems renders a new sequence of moved items as a flow sequence laid out like the
// sequence the first item came from: the same white space after "[", between items and
// before "]".
func (l *Layout) flowItems(seq *yaml.Node) (string, error) {
	var parts []string
	for _, item := range seq.Content {
		txt, err := l.movedFlow(item)
		if err != nil {
			return "", err
		}
		parts = append(parts, txt)
	}
	open, sep, closing := "", ", ", ""
	if from := l.parent[seq.Content[0]]; from != nil {
		t, items := l.text(), l.orig[from].content
		open = t[l.start(from)+1 : l.start(items[0])]
		if len(items) > 1 {
			sep = "," + separatorBefore(t, l.start(items[1]))
		}
		if e := l.end(from); e > 0 {
			closing = t[l.end(items[len(items)-1]) : e-1]
			closing = closing[len(strings.TrimRight(closing, " \t\n")):]
			if strings.Contains(closing, "\n") {
				closing = closing[strings.LastIndexByte(closing, '\n'):]
			}
		}
		if strings.TrimSpace(open) != "" || strings.TrimSpace(closing) != "" {
			open, closing = "", "" // a comment or a trailing comma: keep it plain
		}
	}
	return "[" + open + strings.Join(parts, sep) + closing + "]", nil
}

// movedFlow renders an item that comes from a flow sequence elsewhere in the document.
func (l *Layout) movedFlow(item *yaml.Node) (string, error) {
	if _, ok := l.orig[item]; !ok || l.orig[item].style&yaml.FlowStyle == 0 {
		return "", ErrUnsupported
	}
	return l.renderFlow(item)
}

// siblingQuoted reports whether the scalar values of mapping n are double-quoted.
func siblingQuoted(n *yaml.Node) bool {
	for i := 1; i < len(n.Content); i += 2 {
		if v := n.Content[i]; v.Kind == yaml.ScalarNode {
			return v.Style&yaml.DoubleQuotedStyle != 0
		}
	}
	return false
}

// startsScalar reports whether offset i of t, inside the flow collection opening at s, is
// where a scalar may begin: after an indicator or a space. A quote anywhere else belongs to
// a plain scalar and opens nothing.
func startsScalar(t string, s, i int) bool {
	return i == s || strings.IndexByte("[{,: \t\r\n", t[i-1]) >= 0
}
