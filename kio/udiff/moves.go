package udiff

import (
	"slices"
	"sort"
	"strconv"
)

// Move is a block of lines that a change moved: lines Before of the old file are, perhaps
// re-indented or with lines added, lines After of the new one. A diff given the move shows
// the block removed where it was and added where it is, and never keeps one of its lines
// in place of another line: a minimal line diff would otherwise keep the longer of two
// swapped blocks and show the shorter one, which did not move, removed and added again.
type Move struct {
	Before, After Lines
}

// Lines is the range [From, To) of a file's lines, counted from 0.
type Lines struct{ From, To int }

// sides returns the ranges of moves on each side, each sorted by where they start.
func sides(moves []Move) (before, after []Lines) {
	for _, m := range moves {
		before, after = append(before, m.Before), append(after, m.After)
	}
	byFrom := func(x, y Lines) int { return x.From - y.From }
	slices.SortFunc(before, byFrom)
	slices.SortFunc(after, byFrom)
	return before, after
}

// pinned returns lines, the lines of one side from line off of its file, with every line
// in ranges (sorted by From) replaced by a key that no other line of either side equals;
// lines itself when no range touches them. A line ends in its only "\n", if it has one,
// so a key that starts with "\n" is no line; side tells the keys of the two sides apart.
func pinned(lines []string, off int, ranges []Lines, side string) []string {
	if len(ranges) == 0 {
		return lines
	}
	var out []string
	// Moved blocks never overlap, so ranges sorted by From are sorted by To as well: the
	// first range that ends after off is the first that may reach into lines.
	first := sort.Search(len(ranges), func(i int) bool { return ranges[i].To > off })
	for _, r := range ranges[first:] {
		if r.From >= off+len(lines) {
			break
		}
		for i := max(r.From-off, 0); i < min(r.To-off, len(lines)); i++ {
			if out == nil {
				out = slices.Clone(lines)
			}
			out[i] = "\n" + side + strconv.Itoa(off+i)
		}
	}
	if out == nil {
		return lines
	}
	return out
}
