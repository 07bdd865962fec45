package splice

import (
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio/udiff"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Region is the part of a rendered text that the edit changed, when it lies inside one entry
// of a block collection and everything around that entry is the original, line for line and
// node for node. Parsing Text alone and comparing it with the entry (Holds) then proves the
// whole text, at the cost of parsing the entry instead of the document: in a List migrated
// item by item, the spec of one pod instead of the List around it and the rest of the pod.
//
// Why it is as strong as parsing the whole text and comparing it with the edited tree
// (SameTree). Region is only given when all of these hold, and Holds only when the parse of
// Text is the edited entry:
//
//   - Outside the entry, the edited tree is the original tree: every collection on the way
//     down to it has its original kind, style, tag, value and content pointers, and every
//     other entry of them is clean (Layout.isDirty). Outside the entry, the text is the
//     original text, line for line. The original text parsed to the original tree, so the
//     lines outside hold the nodes outside, provided the entry's new lines end where its old
//     lines ended and begin where they began, as the next points make sure.
//   - The entry's first content line starts at the collection's column (its key or dash),
//     and only comment lines indented at most that column come before it: nothing of Text can
//     continue what the lines above left open (a block scalar takes more-indented and blank
//     lines). The first content line after the entry is indented less than that column, or
//     at it (the next key, or for an item the next dash), so nothing below can continue what
//     Text left open: a block scalar, a plain scalar or a block collection of Text ends
//     there, and a quoted scalar or a flow collection that does not close within Text does
//     not parse alone. A last block scalar of Text followed by a blank line is refused (with
//     keep chomping it would take the blank line), and so is a Text ending on a comment.
//   - Parsing Text alone, at the entry's own column, reads it in the same indentation
//     context as in place: the block collection Text is parsed into starts at that column, as
//     the entry's collection does, and every indentation rule of YAML is relative to the
//     innermost block.
//   - What parsing could resolve from outside is refused: a document with an alias (an
//     alias in Text to an anchor above does not parse alone; an alias below to an anchor the
//     edit dropped would not be seen) and a document with a directive line (a %TAG changes
//     what a tag in Text means).
//
// Anything else, and any Text that does not parse alone or is not the entry, leaves the proof
// to the whole text, as before: the region only ever saves work, never decides a case that
// the whole-text check would refuse.
type Region struct {
	Text string // the new lines of the entry
	Line int    // the line of the rendered text, from 0, that Text starts on

	key, value *yaml.Node // the entry's key and value in the edited tree (one node for an item)
}

// Region returns the region of text, the output of Render for doc, that holds every change,
// or false when the whole text must be parsed to prove it.
func (l *Layout) Region(doc *yaml.Node, text string) (Region, bool) {
	if l == nil || l.aliases || strings.HasPrefix(text, "%") || strings.Contains(text, "\n%") {
		return Region{}, false
	}
	root := doc
	if doc.Kind == yaml.DocumentNode {
		if !l.sameShape(doc) || len(doc.Content) != 1 {
			return Region{}, false
		}
		root = doc.Content[0]
	}
	var c *collection
	var e entry
	for n := root; l.colls[n] != nil && l.sameShape(n); n = e.value {
		i, ok := l.onlyDirty(l.colls[n])
		if !ok {
			break
		}
		c, e = l.colls[n], l.colls[n].entries[i]
	}
	if c == nil {
		return Region{}, false
	}
	out := splitLines([]byte(text))
	tail := len(l.lines) - e.end
	if len(out)-tail <= e.start || !sameLines(out[:e.start], l.lines[:e.start]) || !sameLines(out[len(out)-tail:], l.lines[e.end:]) {
		return Region{}, false
	}
	lines := out[e.start : len(out)-tail]
	if !opensAt(lines, c.col, e.node == e.value) || !closesAt(lines, l.lines[e.end:], c.col, e.node == e.value) {
		return Region{}, false
	}
	return Region{Text: strings.Join(lines, ""), Line: e.start, key: e.node, value: e.value}, true
}

// sameShape reports whether n has the kind, style, tag, value and content pointers it had.
func (l *Layout) sameShape(n *yaml.Node) bool {
	s, ok := l.orig[n]
	if !ok || s.kind != n.Kind || s.style != n.Style || s.tag != n.Tag || s.value != n.Value || len(s.content) != len(n.Content) {
		return false
	}
	for i, c := range n.Content {
		if s.content[i] != c {
			return false
		}
	}
	return true
}

// onlyDirty returns the index of the one entry of c that changed, and false when none or
// several did, or when that entry's line does not start at c's column (a key on its item's
// dash line, a nested item sharing a dash line, an explicit "? " key).
func (l *Layout) onlyDirty(c *collection) (int, bool) {
	found := -1
	for i, e := range c.entries {
		if l.isDirty(e.node) || (e.node != e.value && l.isDirty(e.value)) {
			if found >= 0 {
				return -1, false
			}
			found = i
		}
	}
	if found < 0 {
		return -1, false
	}
	e := c.entries[found]
	line := l.lines[e.line]
	if indentOf(line) != c.col || len(line) <= c.col || line[c.col] == '?' || (line[c.col] == '-') != (e.node == e.value) {
		return -1, false
	}
	return found, true
}

func sameLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// opensAt reports whether lines start with comment lines indented at most col, then a
// content line at col: a dash when item is set, a key otherwise.
func opensAt(lines []string, col int, item bool) bool {
	for _, s := range lines {
		switch {
		case isBlank(s):
			return false
		case isComment(s):
			if indentOf(s) > col {
				return false
			}
		default:
			dash := strings.HasPrefix(s[indentOf(s):], "-")
			return indentOf(s) == col && dash == item && s[col] != '?' && s[col] != ':'
		}
	}
	return false
}

// closesAt reports whether nothing after lines can continue them: they end on a line that is
// neither a comment nor blank, no blank line follows them (a last block scalar with keep
// chomping would take it), and the first content line after them is indented less than col,
// or at col as the next key (or the next dash, when they are an item).
func closesAt(lines, after []string, col int, item bool) bool {
	last := lines[len(lines)-1]
	if isComment(last) || isBlank(last) || (len(after) > 0 && isBlank(after[0])) {
		return false
	}
	for _, s := range after {
		if isComment(s) {
			continue
		}
		if isBlank(s) {
			return false
		}
		ind := indentOf(s)
		if ind < col {
			return true
		}
		dash := strings.HasPrefix(s[ind:], "-")
		return ind == col && dash == item && s[col] != '?' && s[col] != ':'
	}
	return true
}

// Holds reports whether tree, the parse of r.Text alone, is the edited entry: a block mapping
// of its one pair, or a block sequence of its one item, with no anchor of its own, the same
// tree as the edited one (SameTree).
func (r Region) Holds(tree *yaml.Node) bool {
	if tree == nil {
		return false
	}
	root := tree
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Style&yaml.FlowStyle != 0 || root.Anchor != "" {
		return false
	}
	if r.key == r.value {
		return root.Kind == yaml.SequenceNode && len(root.Content) == 1 && SameTree(root.Content[0], r.value)
	}
	return root.Kind == yaml.MappingNode && len(root.Content) == 2 && SameTree(root.Content[0], r.key) && SameTree(root.Content[1], r.value)
}

// MovedIn is Moved for a rendered text proven by its region r, whose parse alone is tree:
// nothing outside the region changed, so every move is inside it, and the region's own
// layout gives the lines the moved items take, counted from r.Line.
func (l *Layout) MovedIn(r Region, tree *yaml.Node) []udiff.Move {
	root := tree
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	now := func() *Layout { return Snapshot([]byte(r.Text), tree) }
	var moves []udiff.Move
	if r.key == r.value {
		moves = l.movesUnder(r.value, root.Content[0], now)
	} else {
		moves = append(l.movesUnder(r.key, root.Content[0], now), l.movesUnder(r.value, root.Content[1], now)...)
	}
	for i := range moves {
		moves[i].After.From += r.Line
		moves[i].After.To += r.Line
	}
	return moves
}
