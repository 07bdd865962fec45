package kio

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio/udiff"
	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A large List (kubectl get -o yaml, a chart's rendered output wrapped for kubectl) is one
// document, and migrating it whole holds its parse tree, the decision's copy of it and the
// renderer's layout of it at once: 70 times the text for a List of 20,000 pods. Its items are
// independent objects, so such a document is migrated item by item instead: each item's lines,
// with the List's own lines before and after the items, form a List of one item that goes
// through the same migration as any document, and only one item's trees are alive at a time.
// Anything that ties one item to another or to the List's own lines (an alias of an anchor
// elsewhere, a parse error, a finding outside the item, an edit outside it) makes the whole
// document go the usual way instead, so the outcome is the same either way.

// listSplitMin is the size from which a List document is migrated item by item. Below it the
// whole document is small enough, and migrating it whole is as quick.
var listSplitMin = 256 << 10

// listParts is a List document cut at the text level: the lines before its first item (the
// List's keys and "items:"), each item's lines, and the lines after the last item.
type listParts struct {
	head, tail []byte
	items      []listItem
}

// listItem is one item of a List: its bytes [start, end) in the document and the 0-based
// line of the document where they start.
type listItem struct {
	start, end, line int
}

// migrateContent migrates one document's content, item by item when it is a large List
// that can be cut into its items, else whole.
func (r *FileResult) migrateContent(d yamldoc.Doc, opts migrate.Options) ([]byte, []udiff.Move, *Error) {
	if len(d.Content) >= listSplitMin && !d.JSON {
		if parts, ok := splitList(d.Content); ok {
			if edited, moves, ok := r.migrateItems(d, parts, opts); ok {
				return edited, moves, nil
			}
		}
	}
	return r.migrateDocument(d, 0, opts)
}

// migrateItems migrates the items of List d one by one. ok is false, and r untouched, when an
// item cannot be migrated on its own: the caller then migrates the whole document.
func (r *FileResult) migrateItems(d yamldoc.Doc, parts listParts, opts migrate.Options) (_ []byte, _ []udiff.Move, ok bool) {
	content, line := d.Content, d.Line
	part := FileResult{Path: r.Path, strings: r.strings}
	headLines := bytes.Count(parts.head, []byte("\n"))
	var out bytes.Buffer
	out.Grow(len(content) + len(content)/8) // a migration adds a few lines to each item
	changed := false
	var moves []udiff.Move
	outLine := headLines // the line of the List's new text where the next item starts
	for k, it := range parts.items {
		body := content[it.start:it.end]
		one := make([]byte, 0, len(parts.head)+len(body)+len(parts.tail))
		one = append(append(append(one, parts.head...), body...), parts.tail...)
		from := [3]int{len(part.Findings), len(part.Ignored), len(part.ContainerRefs)}
		first := line + it.line // the file line of the item's first line
		edited, itemMoves, err := part.migrateDocument(yamldoc.Doc{Content: one, Line: line}, it.line-headLines, opts)
		if err != nil || !part.within(from, first, first+lineCount(body)) {
			return nil, nil, false
		}
		part.renumber(from, k)
		if edited == nil {
			out.Write(body)
			outLine += lineCount(body)
			continue
		}
		if len(edited) < len(parts.head)+len(parts.tail) || !bytes.HasPrefix(edited, parts.head) || !bytes.HasSuffix(edited, parts.tail) {
			return nil, nil, false // the edit reached the List's own lines
		}
		changed = true
		text := edited[len(parts.head) : len(edited)-len(parts.tail)]
		for _, m := range itemMoves {
			if m.Before.From < headLines || m.Before.To > headLines+lineCount(body) || m.After.From < headLines || m.After.To > headLines+lineCount(text) {
				return nil, nil, false // a move out of the item
			}
			m.Before.From, m.Before.To = m.Before.From-headLines+it.line, m.Before.To-headLines+it.line
			m.After.From, m.After.To = m.After.From-headLines+outLine, m.After.To-headLines+outLine
			moves = append(moves, m)
		}
		out.Write(text)
		outLine += lineCount(text)
	}
	r.Findings = append(r.Findings, part.Findings...)
	r.Ignored = append(r.Ignored, part.Ignored...)
	r.ContainerRefs = append(r.ContainerRefs, part.ContainerRefs...)
	r.configUses = append(r.configUses, part.configUses...)
	r.Moved = append(r.Moved, part.Moved...)
	r.Stats.Add(part.Stats)
	r.Fallbacks += part.Fallbacks
	if !changed {
		return nil, nil, true
	}
	edited := make([]byte, 0, len(parts.head)+out.Len()+len(parts.tail))
	return append(append(append(edited, parts.head...), out.Bytes()...), parts.tail...), moves, true
}

// within reports whether the findings, silenced findings and autoscaler references recorded
// since from lie on the file lines [lo, hi): those of one item. One about the List's own
// lines would be repeated for every item.
func (r *FileResult) within(from [3]int, lo, hi int) bool {
	in := func(l int) bool { return l >= lo && l < hi }
	for _, f := range r.Findings[from[0]:] {
		if !in(f.Line) {
			return false
		}
	}
	for _, f := range r.Ignored[from[1]:] {
		if !in(f.Line) {
			return false
		}
	}
	for _, ref := range r.ContainerRefs[from[2]:] {
		if !in(ref.Line) {
			return false
		}
	}
	return true
}

// renumber gives the field paths recorded since from the item's index in the whole List: in
// the List of one item it was items[0].
func (r *FileResult) renumber(from [3]int, k int) {
	if k == 0 {
		return
	}
	field := func(s string) string {
		if rest, ok := strings.CutPrefix(s, "items[0]."); ok {
			return "items[" + strconv.Itoa(k) + "]." + rest
		}
		return s
	}
	for i := from[0]; i < len(r.Findings); i++ {
		r.Findings[i].Field = field(r.Findings[i].Field)
	}
	for i := from[1]; i < len(r.Ignored); i++ {
		r.Ignored[i].Field = field(r.Ignored[i].Field)
	}
	for i := from[2]; i < len(r.ContainerRefs); i++ {
		r.ContainerRefs[i].Field = field(r.ContainerRefs[i].Field)
	}
}

// splitList cuts a document that is a block mapping with a block sequence of at least two
// items under its "items" key. A comment directly above an item (no blank line between) is
// the item's, as splice's layout has it; blank lines go with the item above.
func splitList(content []byte) (listParts, bool) {
	lines := strings.SplitAfter(string(content), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	offset := make([]int, len(lines)+1)
	for i, l := range lines {
		offset[i+1] = offset[i] + len(l)
	}
	key := -1 // the line of "items:"
	for i, l := range lines {
		if blankLine(l) || commentLine(l) {
			continue
		}
		if key < 0 && !startsKey(l) {
			return listParts{}, false // not a block mapping at column 0
		}
		if t := strings.TrimRight(l, " \n"); t == "items:" || strings.HasPrefix(t, "items: #") {
			key = i
			break
		}
	}
	if key < 0 {
		return listParts{}, false
	}
	var dashes []int
	col, end := -1, len(lines)
	for i := key + 1; i < len(lines) && end == len(lines); i++ {
		l := lines[i]
		if blankLine(l) || commentLine(l) {
			continue
		}
		ind := indent(l)
		switch dash := strings.HasPrefix(l[ind:], "- ") || strings.TrimRight(l[ind:], "\n") == "-"; {
		case col < 0 && !dash:
			return listParts{}, false // items is not a block sequence
		case col < 0 || (ind == col && dash):
			col = ind
			dashes = append(dashes, i)
		case ind < col || (ind == col && col == 0):
			end = i // the List's next key
		case ind == col:
			return listParts{}, false
		}
	}
	if len(dashes) < 2 {
		return listParts{}, false
	}
	headOf := func(line, lo, col int) int {
		for line > lo && commentLine(lines[line-1]) && indent(lines[line-1]) <= col {
			line--
		}
		return line
	}
	if end < len(lines) {
		end = headOf(end, dashes[len(dashes)-1]+1, 0)
	}
	p := listParts{tail: content[offset[end]:]}
	lo := key + 1
	for k, d := range dashes {
		start := headOf(d, lo, col)
		if k == 0 {
			p.head = content[:offset[start]]
		} else {
			p.items[k-1].end = offset[start]
		}
		p.items = append(p.items, listItem{start: offset[start], line: start})
		lo = d + 1
	}
	p.items[len(p.items)-1].end = offset[end]
	return p, true
}

// startsKey reports whether line starts a plain key at column 0.
func startsKey(line string) bool {
	c := line[0]
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// lineCount returns the number of lines of b, the last one with or without its newline.
func lineCount(b []byte) int {
	n := bytes.Count(b, []byte("\n"))
	if len(b) > 0 && b[len(b)-1] != '\n' {
		n++
	}
	return n
}

// The line classes of splice's layout, whose entries the cut follows.
func indent(s string) int       { return len(s) - len(strings.TrimLeft(s, " ")) }
func blankLine(s string) bool   { return strings.TrimSpace(s) == "" }
func commentLine(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "#") }

// shiftLines adds by to the line of every node of n that has one (the nodes a migration makes
// have none). The lines of a node in two places move once: an edited tree may hold a node
// twice (splice's shared nodes).
func shiftLines(n *yaml.Node, by int) {
	if by == 0 {
		return
	}
	seen := make(map[*yaml.Node]bool, countNodes(n)) // sized: growing it cost more than filling it
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		if n.Line > 0 {
			n.Line += by
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
}

// countNodes returns the number of nodes under n, a node in two places counted twice.
func countNodes(n *yaml.Node) int {
	count := 1
	for _, c := range n.Content {
		count += countNodes(c)
	}
	return count
}

// shiftParsed is shiftLines for a tree as the parser made it, where every node is in one
// place (an alias points to its anchor by Alias, never by Content): no node needs to be
// remembered, which in a List migrated item by item cost a map per item.
func shiftParsed(n *yaml.Node, by int) {
	if by == 0 || n == nil {
		return
	}
	if n.Line > 0 {
		n.Line += by
	}
	for _, c := range n.Content {
		shiftParsed(c, by)
	}
}
