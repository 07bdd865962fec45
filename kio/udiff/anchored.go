package udiff

import "github.com/sidecar-migrate/sidecar-migrate/internal/linediff"

// anchoredMin is the number of lines (both sides together) from which a diff is split at its
// anchors. Below it go-diff's Myers diff of the whole is quick, and its script (what every
// golden case holds) stays as it was.
const anchoredMin = 4000

// anchoredOps computes the edit script of a large a and b as patience diff does: the lines
// that occur once in each, matched in order, are kept, and each gap between two of them is
// diffed on its own (and split again when it is large). Myers costs the number of lines
// times the number of changes: a List of 20,000 migrated pods is one document with 20,000
// changes, while its gaps are one pod each. ok is false when a and b are small or have no
// anchor.
func anchoredOps(a, b []string) (ops []op, ok bool) {
	if len(a)+len(b) < anchoredMin {
		return nil, false
	}
	anchors := linediff.Anchors(a, b)
	if len(anchors) == 0 {
		return nil, false
	}
	ops = make([]op, 0, max(len(a), len(b))+1)
	fromA, fromB := 0, 0
	gap := func(toA, toB int) {
		if toA == fromA && toB == fromB {
			return
		}
		for _, o := range lineOps(a[fromA:toA], b[fromB:toB]) {
			ops = append(ops, newOp(o.kind, fromA+int(o.a), fromB+int(o.b)))
		}
	}
	for _, m := range anchors {
		gap(m[0], m[1])
		ops = append(ops, newOp(' ', m[0], m[1]))
		fromA, fromB = m[0]+1, m[1]+1
	}
	gap(len(a), len(b))
	return ops, true
}
