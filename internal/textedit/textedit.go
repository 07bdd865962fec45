package textedit

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Edit replaces the bytes [From, To) of a text with Text. From == To inserts; Text == ""
// deletes.
type Edit struct {
	From, To int
	Text     string
}

// ErrOverlap is returned, wrapped with the two edits, when an edit that writes text overlaps
// another edit. Deletions that overlap each other are not an error: together they remove
// the union of their ranges.
var ErrOverlap = errors.New("overlapping edits")

// ErrRange is returned, wrapped with the edit, when an edit is reversed or falls outside the
// range being edited.
var ErrRange = errors.New("edit out of range")

// Apply returns src with the edits applied. Offsets are in src; the edits may come in any
// order and are applied by From, those with equal From in the order given (so an insertion
// listed before a deletion at the same offset stays in front of what the deletion leaves).
func Apply(src string, edits []Edit) (string, error) {
	return ApplyRange(src, 0, len(src), edits)
}

// ApplyRange returns src[from:to] with the edits applied; the offsets of the edits are in
// src and each must lie inside [from, to).
func ApplyRange(src string, from, to int, edits []Edit) (string, error) {
	for _, e := range edits {
		if e.From < from || e.To > to || e.From > e.To {
			return "", fmt.Errorf("%w: [%d,%d) in [%d,%d)", ErrRange, e.From, e.To, from, to)
		}
	}
	sorted := slices.Clone(edits)
	slices.SortStableFunc(sorted, func(a, b Edit) int { return a.From - b.From })
	var b strings.Builder
	pos, prev := from, Edit{From: from, To: from}
	for _, e := range sorted {
		if e.From < pos && e.From == e.To && e.From == prev.From {
			b.WriteString(e.Text) // an insertion at the offset the previous edit starts from
			continue
		}
		if e.From < pos {
			if e.Text != "" || prev.Text != "" {
				return "", fmt.Errorf("%w: [%d,%d) and [%d,%d)", ErrOverlap, prev.From, prev.To, e.From, e.To)
			}
			pos = max(pos, e.To) // overlapping deletions remove their union
			prev.To = pos
			continue
		}
		b.WriteString(src[pos:e.From])
		b.WriteString(e.Text)
		pos, prev = e.To, e
	}
	b.WriteString(src[pos:to])
	return b.String(), nil
}
