package splice

import (
	"sort"

	"github.com/sidecar-migrate/sidecar-migrate/kio/udiff"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Moved returns the blocks of lines that the edit of doc moved, for a diff that shows them
// moving: every sequence item of doc that now sits in another sequence than it did, with the
// lines it took in the original text (the layout's) and those it takes in text, the
// document Render wrote, whose parsed tree after has the shape of doc. Lines count from 0 in
// the document. A block is its entry (its head comments included, its trailing blank lines
// left out, which separate it from what follows), or in a flow sequence the lines its text
// is on.
func (l *Layout) Moved(doc *yaml.Node, text string, after *yaml.Node) []udiff.Move {
	return l.movesUnder(doc, after, func() *Layout { return Snapshot([]byte(text), after) })
}

// movesUnder returns the moves of the items under n, an edited node, whose node in the
// parse of the rendered text is m; layout gives the layout of that text, taken at the first
// move.
func (l *Layout) movesUnder(n, m *yaml.Node, layout func() *Layout) []udiff.Move {
	var moves []udiff.Move
	var now *Layout
	var walk func(n, m *yaml.Node)
	walk = func(n, m *yaml.Node) {
		if len(n.Content) != len(m.Content) {
			return
		}
		for i, c := range n.Content {
			if from, ok := l.movedFrom(c, n); ok {
				if now == nil {
					if now = layout(); now == nil {
						return
					}
				}
				if to, ok := now.itemLines(m.Content[i], m); ok {
					moves = append(moves, udiff.Move{Before: from, After: to})
				}
				continue // what is under a moved item moved with it
			}
			walk(c, m.Content[i])
		}
	}
	walk(n, m)
	return moves
}

// movedFrom returns the original lines of item, an item of sequence seq of the edited tree,
// when it was an item of another sequence.
func (l *Layout) movedFrom(item, seq *yaml.Node) (udiff.Lines, bool) {
	if seq.Kind != yaml.SequenceNode {
		return udiff.Lines{}, false
	}
	was := l.parent[item]
	if c := l.owner[item]; c != nil {
		was = c.node
	}
	if was == nil || was == seq {
		return udiff.Lines{}, false
	}
	return l.itemLines(item, was)
}

// itemLines returns the lines of item, an item of sequence seq in the tree l was taken of.
func (l *Layout) itemLines(item, seq *yaml.Node) (udiff.Lines, bool) {
	if c := l.colls[seq]; c != nil {
		i := indexOfEntry(c, item)
		if i < 0 {
			return udiff.Lines{}, false
		}
		e := c.entries[i]
		e.start = l.staysUntil(e)
		end := e.end
		for end > e.line+1 && isBlank(l.lines[end-1]) {
			end--
		}
		return udiff.Lines{From: e.start, To: end}, true
	}
	if l.parent[item] != seq {
		return udiff.Lines{}, false
	}
	from, to := l.start(item), l.end(item)
	if to <= from {
		return udiff.Lines{}, false
	}
	return udiff.Lines{From: l.lineAt(from), To: l.lineAt(to-1) + 1}, true
}

// lineAt returns the line, from 0, that byte offset off of the document is on.
func (l *Layout) lineAt(off int) int {
	l.offset(1, 1) // computes l.starts
	return sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
}
