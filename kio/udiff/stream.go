package udiff

import (
	"bytes"
	"errors"
	"slices"
	"sort"
	"strings"
)

// A migration leaves a file's "---" separators as they were, and a large multi-document file
// then costs one small diff per changed document instead of one diff of the whole file. Its
// hunks are written as soon as no later change can join them, so that only the documents the
// unwritten hunks reach are held as lines: a 100 MB file of changed documents is never split
// into lines whole, nor its edit script held whole.

// errSeparators means before and after do not have the same separators: they are diffed
// whole.
var errSeparators = errors.New("udiff: the files' document separators differ")

// segment is one document of a file with the separator line that closes it (the last one has
// none): its bytes [start, end) and its first line.
type segment struct {
	start, end, line int
}

// segments cuts s after each separator line ("---"), and returns the separators' texts.
func segments(s string) (segs []segment, seps []string) {
	cur := segment{}
	line := 0
	for start := 0; start < len(s); line++ {
		end := len(s)
		if i := strings.IndexByte(s[start:], '\n'); i >= 0 {
			end = start + i + 1
		}
		if l := s[start:end]; strings.HasPrefix(l, "---") && strings.TrimRight(l, "\r\n") == "---" {
			cur.end = end
			segs, seps = append(segs, cur), append(seps, l)
			cur = segment{start: end, line: line + 1}
		}
		start = end
	}
	cur.end = len(s)
	return append(segs, cur), seps
}

// docScript is the edit script of one document, with its lines.
type docScript struct {
	ops   []op
	lines docLines
}

// forDocuments calls each with the script of each document of a and b, in order, when they
// have the same separators (else it returns errSeparators, before any call). The lines of
// the moved blocks ra and rb are pinned (never kept) document by document, so that only the
// documents they are in are copied. each may stop the loop with an error, which it returns.
func forDocuments(a, b string, ra, rb []Lines, each func(docScript) error) error {
	segA, sepA := segments(a)
	segB, sepB := segments(b)
	if len(sepA) == 0 || !slices.Equal(sepA, sepB) {
		return errSeparators
	}
	for i := range segA {
		sa, sb := a[segA[i].start:segA[i].end], b[segB[i].start:segB[i].end]
		fromA, fromB := segA[i].line, segB[i].line
		d := docScript{lines: docLines{fromA: fromA, fromB: fromB, a: sa, b: sb, offA: lineOffsets(sa)}}
		d.lines.offB = d.lines.offA
		if sa != sb {
			d.lines.offB = lineOffsets(sb)
		}
		la, lb := d.lines.linesA(), d.lines.linesB()
		if sa == sb && !touches(ra, fromA, la) && !touches(rb, fromB, lb) {
			d.ops = appendKept(nil, fromA, fromB, la)
		} else {
			a, b := pinned(diffLines(sa), fromA, ra, "a"), pinned(diffLines(sb), fromB, rb, "b")
			for _, o := range lineOps(a, b) {
				d.ops = append(d.ops, newOp(o.kind, fromA+int(o.a), fromB+int(o.b)))
			}
		}
		if err := each(d); err != nil {
			return err
		}
	}
	return nil
}

// touches reports whether one of ranges (sorted by From) reaches into lines [from, from+n).
func touches(ranges []Lines, from, n int) bool {
	i := sort.Search(len(ranges), func(i int) bool { return ranges[i].To > from })
	return i < len(ranges) && ranges[i].From < from+n
}

// writeDocuments writes to out the hunks of the diff from a to b computed document by
// document (forDocuments), calling flush as it goes; errSeparators, with nothing written,
// when the files' separators differ.
func writeDocuments(out *bytes.Buffer, a, b string, ra, rb []Lines, flush func() error) error {
	w := docWriter{out: out, flush: flush}
	err := forDocuments(a, b, ra, rb, func(d docScript) error {
		w.pending = append(w.pending, d.ops...)
		w.docs = append(w.docs, d.lines)
		return w.settle(false)
	})
	if err != nil {
		return err
	}
	return w.settle(true)
}

// docWriter holds the ops of the hunks not yet written and the lines of the documents they
// reach.
type docWriter struct {
	out     *bytes.Buffer
	flush   func() error
	pending []op
	docs    []docLines // in file order
}

// docLines are the lines of one document in before and after, from line fromA and fromB: a
// and b are its text, and offA and offB the offset of each line in it, with the text's
// length at the end (four bytes a line where a string would take sixteen: when hunks run on
// from document to document, every document stays until they end).
type docLines struct {
	fromA, fromB int
	a, b         string
	offA, offB   []int32
}

// lineOffsets returns the offset of each line of s (as diffLines splits it) and len(s).
func lineOffsets(s string) []int32 {
	off := make([]int32, 0, strings.Count(s, "\n")+2)
	for start := 0; start < len(s); {
		off = append(off, int32(start))
		i := strings.IndexByte(s[start:], '\n')
		if i < 0 {
			break
		}
		start += i + 1
	}
	return append(off, int32(len(s)))
}

func (d docLines) linesA() int { return len(d.offA) - 1 }
func (d docLines) linesB() int { return len(d.offB) - 1 }

// settle writes the hunks of the pending ops once more than 2*diffContext kept lines follow
// their last change, so that no later change can join the last hunk (or, when final, at
// once). Of the ops it keeps the last diffContext, the context a later hunk may start with,
// and of the documents those they reach.
func (w *docWriter) settle(final bool) error {
	last := len(w.pending) - 1
	for last >= 0 && w.pending[last].kind == ' ' {
		last--
	}
	if !final && last >= 0 && len(w.pending)-1-last <= 2*diffContext {
		return nil
	}
	if last >= 0 {
		for _, h := range diffHunks(w.pending) {
			if err := writeHunk(w.out, w.pending[h[0]:h[1]], w.text, w.flush); err != nil {
				return err
			}
		}
	}
	w.pending = append(w.pending[:0], w.pending[max(len(w.pending)-diffContext, 0):]...)
	drop := len(w.docs)
	if len(w.pending) > 0 {
		first := w.pending[0]
		drop = sort.Search(len(w.docs), func(k int) bool {
			d := w.docs[k]
			return d.fromA+d.linesA() > int(first.a) || d.fromB+d.linesB() > int(first.b)
		})
	}
	w.docs = append(w.docs[:0], w.docs[drop:]...)
	return w.flush()
}

// text returns the line of an op: of after for an added line, else of before.
func (w *docWriter) text(o op) string {
	if o.kind == '+' {
		k := sort.Search(len(w.docs), func(k int) bool { return w.docs[k].fromB+w.docs[k].linesB() > int(o.b) })
		d := w.docs[k]
		i := int(o.b) - d.fromB
		return d.b[d.offB[i]:d.offB[i+1]]
	}
	k := sort.Search(len(w.docs), func(k int) bool { return w.docs[k].fromA+w.docs[k].linesA() > int(o.a) })
	d := w.docs[k]
	i := int(o.a) - d.fromA
	return d.a[d.offA[i]:d.offA[i+1]]
}

// appendKept appends the ops of n kept lines from a[fromA] and b[fromB]. Of a long run it
// appends only the diffContext+1 lines at each end, the most a hunk can show: the changes on
// either side stay more than 2*diffContext ops apart, so hunks split there as they would over
// the whole run, and a large file's unchanged documents cost no memory.
func appendKept(ops []op, fromA, fromB, n int) []op {
	edge := diffContext + 1
	for k := 0; k < n; k++ {
		if k == edge && n > 2*edge {
			k = n - edge
		}
		ops = append(ops, newOp(' ', fromA+k, fromB+k))
	}
	return ops
}
