// Package linediff finds the anchors of a line diff: lines that occur exactly once in each
// side, matched in order, as patience diff does. Between two anchors the rest of the diff is
// independent, so a large diff becomes many small ones and its cost grows with the number of
// changes rather than with their square.
package linediff

import "sort"

// Anchors returns the pairs (i, j) with a[i] == b[j], each line occurring once in a and once
// in b, that form the longest sequence increasing in both i and j. They come in order.
func Anchors(a, b []string) [][2]int {
	type count struct{ a, b, ia, ib int }
	counts := make(map[string]*count, len(a))
	for i, l := range a {
		c := counts[l]
		if c == nil {
			c = &count{}
			counts[l] = c
		}
		c.a++
		c.ia = i
	}
	for j, l := range b {
		if c := counts[l]; c != nil {
			c.b++
			c.ib = j
		}
	}
	var pairs [][2]int // unique in both, in the order of a
	for _, l := range a {
		if c := counts[l]; c.a == 1 && c.b == 1 {
			pairs = append(pairs, [2]int{c.ia, c.ib})
		}
	}
	return increasing(pairs)
}

// increasing returns the longest subsequence of pairs whose second members increase (the
// first ones already do), by patience sorting: O(n log n).
func increasing(pairs [][2]int) [][2]int {
	var tops []int                  // index in pairs of the top card of each pile
	prev := make([]int, len(pairs)) // the top of the pile to the left when the card was placed
	for k, p := range pairs {
		pile := sort.Search(len(tops), func(t int) bool { return pairs[tops[t]][1] > p[1] })
		prev[k] = -1
		if pile > 0 {
			prev[k] = tops[pile-1]
		}
		if pile == len(tops) {
			tops = append(tops, k)
		} else {
			tops[pile] = k
		}
	}
	if len(tops) == 0 {
		return nil
	}
	out := make([][2]int, len(tops))
	for k, n := tops[len(tops)-1], len(tops)-1; k >= 0; k, n = prev[k], n-1 {
		out[n] = pairs[k]
	}
	return out
}
