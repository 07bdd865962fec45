package udiff

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// diffContext is the number of unchanged lines shown around a change, as in git's default.
const diffContext = 3

// Unified returns a git-style unified diff that turns before into after, with
// "diff --git a/PATH b/PATH", "--- a/PATH", "+++ b/PATH" headers and hunks with 3 lines of
// context, or nil when before and after are equal. PATH is written as git writes it: with
// forward slashes, one leading "/" dropped, C-quoted when it holds control characters, '"',
// '\' or non-ASCII bytes, and with a tab after the "---" and "+++" names when it holds a
// space. Lines keep their bytes ("\r" included) and a missing final newline is marked with
// "\ No newline at end of file", so `git apply` of the result reproduces after exactly.
// The lines of moves are shown removed and added, never kept (Move).
func Unified(path string, before, after []byte, moves ...Move) []byte {
	var out bytes.Buffer
	_ = Write(&out, path, before, after, false, moves...) // a bytes.Buffer takes every write
	if out.Len() == 0 {
		return nil
	}
	return out.Bytes()
}

// Write writes to w the diff Unified returns, coloured as Colorize colours it when color is
// set. It writes a few hunks at a time, so that the diff of a large file is never held whole
// (the diff of a 100 MB file is larger than the file).
func Write(w io.Writer, path string, before, after []byte, color bool, moves ...Move) error {
	if bytes.Equal(before, after) {
		return nil
	}
	var out bytes.Buffer
	// flush passes the hunks on once they make writeChunk bytes, or all of them.
	flush := func(all bool) error {
		if out.Len() == 0 || (!all && out.Len() < writeChunk) {
			return nil
		}
		d := out.Bytes()
		if color {
			d = Colorize(d) // the chunk starts with the header or a hunk, where colouring starts
		}
		_, err := w.Write(d)
		out.Reset()
		return err
	}
	writeDiffHeader(&out, path)
	sa, sb := bytesView(before), bytesView(after)
	more := func() error { return flush(false) }
	ra, rb := sides(moves)
	err := writeDocuments(&out, sa, sb, ra, rb, more)
	if err != errSeparators {
		if err != nil {
			return err
		}
		return flush(true)
	}
	a, b := diffLines(sa), diffLines(sb)
	ops := lineOps(pinned(a, 0, ra, "a"), pinned(b, 0, rb, "b"))
	text := func(o op) string {
		if o.kind == '+' {
			return b[o.b]
		}
		return a[o.a]
	}
	for _, h := range diffHunks(ops) {
		if err := writeHunk(&out, ops[h[0]:h[1]], text, more); err != nil {
			return err
		}
	}
	return flush(true)
}

// writeChunk is the size from which Write passes its hunks on.
const writeChunk = 64 << 10

// op is one line of the edit script: ' ' kept, '-' removed, '+' added. a and b are the
// line's index in before and after; on the side it is not in, the index of the next line.
// They are 32-bit: a file of changed documents whose hunks run on holds an op a line until
// they end.
type op struct {
	kind byte
	a, b int32
}

func newOp(kind byte, a, b int) op { return op{kind, int32(a), int32(b)} }

// lineOps computes the edit script from lines a to lines b with go-diff's Myers diff, each
// distinct line mapped to one rune. Within a change, removals come before additions, as
// GNU diff and git write them.
func lineOps(a, b []string) []op {
	if ops, ok := anchoredOps(a, b); ok {
		return ops
	}
	// A migrated file is mostly kept lines, and mapping every line to a rune dominated the
	// cost: the lines before the first change and after the last are kept here instead.
	// go-diff drops the same common prefix and suffix itself, so the script is the same,
	// except where it would slide an edit at the edge into them (an insertion "B A" after a
	// kept "A"): then the whole files are diffed as before.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	diffs := lineDiffs(a[pre:len(a)-suf], b[pre:len(b)-suf])
	if (pre > 0 && edgeEdit(slices.All(diffs)) >= pre) || (suf > 0 && edgeEdit(slices.Backward(diffs)) >= suf) {
		pre, suf, diffs = 0, 0, lineDiffs(a, b)
	}
	ops := make([]op, 0, max(len(a), len(b))+1)
	for i := range pre {
		ops = append(ops, newOp(' ', i, i))
	}
	ops = appendOps(ops, diffs, pre)
	for k := suf; k > 0; k-- {
		ops = append(ops, newOp(' ', len(a)-k, len(b)-k))
	}
	return ops
}

// Changes returns the indices of the lines of a that the diff from a to b removes and of the
// lines of b that it adds: the same script Unified prints, for callers that count changed
// lines (kio's corpus test measures the lines a migration touches beyond its own, and its
// invariants check that no line of a container that stays is among them).
func Changes(a, b []string, moves ...Move) (removed, added []int) {
	ra, rb := sides(moves)
	var ops []op
	sa, sb := strings.Join(a, ""), strings.Join(b, "")
	if forDocuments(sa, sb, ra, rb, func(d docScript) error { ops = append(ops, d.ops...); return nil }) == errSeparators {
		ops = lineOps(pinned(a, 0, ra, "a"), pinned(b, 0, rb, "b"))
	}
	for _, o := range ops {
		switch o.kind {
		case '-':
			removed = append(removed, int(o.a))
		case '+':
			added = append(added, int(o.b))
		}
	}
	return removed, added
}

// lineDiffs diffs lines a and b, one rune a line.
func lineDiffs(a, b []string) []diffmatchpatch.Diff {
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	dmp := diffmatchpatch.New()
	// No timeout: a timed-out diff is valid but not minimal, and would depend on machine speed.
	dmp.DiffTimeout = 0
	// The lines are mapped here rather than by DiffLinesToChars, which joins them to split
	// them again and builds its strings by appending: the script only depends on which
	// lines are equal, so it is the same.
	runes := make(map[string]rune, len(a))
	toRunes := func(lines []string) []rune {
		rs := make([]rune, len(lines))
		for i, l := range lines {
			r, ok := runes[l]
			if !ok {
				r = lineRune(len(runes))
				runes[l] = r
			}
			rs[i] = r
		}
		return rs
	}
	ra, rb := toRunes(a), toRunes(b)
	if len(runes) > maxLineRunes {
		ca, cb, _ := dmp.DiffLinesToChars(strings.Join(a, ""), strings.Join(b, ""))
		return dmp.DiffMain(ca, cb, false)
	}
	return dmp.DiffMainRunes(ra, rb, false)
}

// maxLineRunes is the number of distinct lines lineRune can map: the Unicode code points
// that are not surrogates (go-diff turns runes into strings, where a surrogate would become
// U+FFFD and two lines would seem equal).
const maxLineRunes = int(utf8.MaxRune) + 1 - 0x800

// lineRune returns the rune of the n-th distinct line: n, skipping the surrogates.
func lineRune(n int) rune {
	if n >= 0xD800 {
		n += 0x800
	}
	return rune(n)
}

// edgeEdit returns the number of lines of the edits before the first kept line of diffs.
func edgeEdit(diffs iter.Seq2[int, diffmatchpatch.Diff]) int {
	n := 0
	for _, d := range diffs {
		if d.Type == diffmatchpatch.DiffEqual {
			break
		}
		n += utf8.RuneCountInString(d.Text)
	}
	return n
}

// appendOps appends to ops the script of diffs, whose lines start at line off of both files.
func appendOps(ops []op, diffs []diffmatchpatch.Diff, off int) []op {
	i, j, added := off, off, 0
	flush := func() {
		for ; added > 0; added-- {
			ops = append(ops, newOp('+', i, j-added))
		}
	}
	// Each rune of a diff's text is one line, so counting runes is enough; the line texts
	// are already in a and b.
	for _, d := range diffs {
		for range utf8.RuneCountInString(d.Text) {
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				flush()
				ops = append(ops, newOp(' ', i, j))
				i++
				j++
			case diffmatchpatch.DiffDelete:
				ops = append(ops, newOp('-', i, j-added))
				i++
			case diffmatchpatch.DiffInsert:
				added++
				j++
			}
		}
	}
	flush()
	return ops
}

// bytesView returns data as a string without copying it. Unified only reads its inputs,
// and nothing of the view outlives the call (the hunks are copied into the output), so the
// string never sees data change; a 100 MB file is then not held twice more.
func bytesView(data []byte) string {
	return unsafe.String(unsafe.SliceData(data), len(data))
}

// diffLines splits s after each "\n"; the last line may have none. The lines share the
// memory of s, which keeps a 2 MB file quick to split.
func diffLines(s string) []string {
	l := strings.SplitAfter(s, "\n")
	if l[len(l)-1] == "" {
		l = l[:len(l)-1]
	}
	return l
}

// diffHunks returns the [from, to) ranges of ops shown as hunks: each change with
// diffContext lines around it, and changes at most 2*diffContext lines apart in one hunk,
// as git groups them.
func diffHunks(ops []op) [][2]int {
	var hunks [][2]int
	for i := 0; i < len(ops); i++ {
		if ops[i].kind == ' ' {
			continue
		}
		end := i + 1 // just after the last change of this hunk
		for k := end; k < len(ops) && k-end <= 2*diffContext; k++ {
			if ops[k].kind != ' ' {
				end = k + 1
			}
		}
		to := min(end+diffContext, len(ops))
		hunks = append(hunks, [2]int{max(i-diffContext, 0), to})
		i = to - 1
	}
	return hunks
}

// writeDiffHeader writes the "diff --git", "---" and "+++" lines for path.
func writeDiffHeader(out *bytes.Buffer, path string) {
	p := strings.TrimPrefix(filepath.ToSlash(path), "/")
	a, b := quoteDiffName("a/"+p), quoteDiffName("b/"+p)
	// git ends the ---/+++ lines with a tab when the name has a space: GNU patch takes a tab,
	// not a space, as the end of a name. git apply accepts both forms.
	tab := ""
	if strings.Contains(p, " ") {
		tab = "\t"
	}
	fmt.Fprintf(out, "diff --git %s %s\n--- %s%s\n+++ %s%s\n", a, b, a, tab, b, tab)
}

// quoteDiffName quotes name as git does with its default core.quotePath=true: in double
// quotes with C escapes when it holds a control character, '"', '\' or a non-ASCII byte.
func quoteDiffName(name string) string {
	if !strings.ContainsFunc(name, func(r rune) bool {
		return r < 0x20 || r == '"' || r == '\\' || r >= 0x7f
	}) {
		return name
	}
	var q strings.Builder
	q.WriteByte('"')
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '"' || c == '\\':
			q.WriteByte('\\')
			q.WriteByte(c)
		case c >= '\a' && c <= '\r':
			q.WriteByte('\\')
			q.WriteByte("abtnvfr"[c-'\a'])
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&q, "\\%03o", c)
		default:
			q.WriteByte(c)
		}
	}
	q.WriteByte('"')
	return q.String()
}

// writeHunk writes one hunk: its "@@" header and its lines, whose text gives the line of an
// op, calling flush every writeChunk bytes (a hunk may run on for the whole file).
func writeHunk(out *bytes.Buffer, hunk []op, text func(op) string, flush func() error) error {
	na, nb := 0, 0
	for _, e := range hunk {
		if e.kind != '+' {
			na++
		}
		if e.kind != '-' {
			nb++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(int(hunk[0].a), na), hunkRange(int(hunk[0].b), nb))
	for _, e := range hunk {
		line := text(e)
		out.WriteByte(e.kind)
		out.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
		if out.Len() >= writeChunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// hunkRange formats one side of a hunk header as GNU diff and git do: "l,n" for n lines
// from line l, "l" alone when n is 1, and for no lines the line after which they would be.
func hunkRange(preceding, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", preceding)
	case 1:
		return fmt.Sprint(preceding + 1)
	}
	return fmt.Sprintf("%d,%d", preceding+1, n)
}

// ANSI colours of git's default diff colours.
const (
	colorBold  = "\033[1m"
	colorCyan  = "\033[36m"
	colorRed   = "\033[31m"
	colorGreen = "\033[32m"
	colorReset = "\033[m"
)

// Colorize returns diff with ANSI colours as git shows them (headers bold, hunk headers cyan,
// removed lines red, added lines green); context lines and "\ No newline" markers stay plain.
// diff may hold the diffs of several files one after another.
func Colorize(diff []byte) []byte {
	var out bytes.Buffer
	inHeader := false
	for _, line := range diffLines(string(diff)) {
		text := strings.TrimSuffix(line, "\n")
		// Header lines are told by their place, not their prefix: a removed line "-- x" reads
		// "--- x" and must stay red. Hunk lines never start with "diff" or "@".
		color := ""
		switch {
		case strings.HasPrefix(text, "diff --git "):
			inHeader = true
			color = colorBold
		case strings.HasPrefix(text, "@@ "):
			inHeader = false
			color = colorCyan
		case inHeader:
			color = colorBold
		case strings.HasPrefix(text, "-"):
			color = colorRed
		case strings.HasPrefix(text, "+"):
			color = colorGreen
		}
		if color == "" {
			out.WriteString(line)
			continue
		}
		out.WriteString(color + text + colorReset + line[len(text):])
	}
	return out.Bytes()
}
