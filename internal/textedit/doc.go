// Package textedit holds the one way this module edits text by byte range: an Edit replaces
// [From, To) of the original with Text, and Apply writes a list of them at once.
//
// Offsets always refer to the original text, never to a partly edited one, so edits computed
// independently (a flow collection's dropped entries, a rewritten scalar, a shell statement
// cut out of a script) can be combined without recomputing offsets:
//
//	out, err := textedit.Apply("a, b, c", []textedit.Edit{
//		{From: 1, To: 4},          // drop ", b"
//		{From: 6, To: 7, Text: "C"}, // c -> C
//	}) // "a, C"
//
// Overlaps are checked: two deletions that overlap remove the union of their ranges (two
// removed statements that share a separator), while any overlap involving written text is
// ErrOverlap, since no order of applying them is right. An edit outside the range being
// edited is ErrRange.
package textedit
