package kio

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

const diffContext = 3

// UnifiedDiff returns a git-style unified diff that turns before into after ("diff --git",
// "--- a/PATH", "+++ b/PATH", hunks with three lines of context), or nil when they are equal.
// `git apply` of the result reproduces after byte for byte, including CR characters and a
// missing final newline.
func UnifiedDiff(path string, before, after []byte) []byte {
	if bytes.Equal(before, after) {
		return nil
	}
	a, b := splitKeep(before), splitKeep(after)
	ops := lineOps(a, b)
	var out bytes.Buffer
	p := strings.TrimPrefix(path, "/")
	fmt.Fprintf(&out, "diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n", p, p, p, p)
	for _, h := range hunks(ops) {
		writeHunk(&out, h, ops, a, b)
	}
	return out.Bytes()
}

// splitKeep splits text into lines that keep their "\n" (the last may have none).
func splitKeep(b []byte) []string { return splitLines(b) }

// op is one line of the edit script: ' ' kept, '-' removed from a, '+' added from b, with
// the line's index on its side(s).
type op struct {
	kind byte
	a, b int
}

// lineOps computes a line edit script with Myers' algorithm (go-diff's line mode).
func lineOps(a, b []string) []op {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // exact and deterministic, whatever the machine's speed
	ca, cb, lines := dmp.DiffLinesToRunes(strings.Join(a, ""), strings.Join(b, ""))
	diffs := dmp.DiffMainRunes(ca, cb, false)
	_ = lines
	var ops []op
	i, j := 0, 0
	for _, d := range diffs {
		n := len([]rune(d.Text))
		for range n {
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				ops = append(ops, op{' ', i, j})
				i++
				j++
			case diffmatchpatch.DiffDelete:
				ops = append(ops, op{'-', i, j})
				i++
			case diffmatchpatch.DiffInsert:
				ops = append(ops, op{'+', i, j})
				j++
			}
		}
	}
	return ops
}

// hunk is a range [from, to) of ops.
type hunk struct{ from, to int }

// hunks groups changes with diffContext lines around them, merging groups whose context
// overlaps.
func hunks(ops []op) []hunk {
	var hs []hunk
	for i := 0; i < len(ops); i++ {
		if ops[i].kind == ' ' {
			continue
		}
		from := max(i-diffContext, 0)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			k := end
			for k < len(ops) && ops[k].kind == ' ' {
				k++
			}
			if k == len(ops) || k-end > 2*diffContext {
				break
			}
			end = k
		}
		to := min(end+diffContext, len(ops))
		hs = append(hs, hunk{from, to})
		i = to - 1
	}
	return hs
}

func writeHunk(out *bytes.Buffer, h hunk, ops []op, a, b []string) {
	var aStart, bStart, aLen, bLen int
	aStart, bStart = ops[h.from].a, ops[h.from].b
	for _, o := range ops[h.from:h.to] {
		if o.kind != '+' {
			aLen++
		}
		if o.kind != '-' {
			bLen++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
	for _, o := range ops[h.from:h.to] {
		line := b[o.b:min(o.b+1, len(b))]
		if o.kind == '-' {
			line = a[o.a : o.a+1]
		} else if o.kind == ' ' {
			line = a[o.a : o.a+1]
		}
		s := line[0]
		out.WriteByte(o.kind)
		out.WriteString(s)
		if !strings.HasSuffix(s, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange formats a hunk side as GNU diff does: "l,s", "l" when s is 1, and the line
// before the hunk when s is 0.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// Colorize returns diff with ANSI colours as git shows them.
func Colorize(diff []byte) []byte {
	const (
		bold  = "\033[1m"
		cyan  = "\033[36m"
		red   = "\033[31m"
		green = "\033[32m"
		reset = "\033[m"
	)
	var out bytes.Buffer
	for _, line := range splitLines(diff) {
		text := strings.TrimSuffix(line, "\n")
		color := ""
		switch {
		case strings.HasPrefix(text, "diff --git"), strings.HasPrefix(text, "--- "), strings.HasPrefix(text, "+++ "):
			color = bold
		case strings.HasPrefix(text, "@@"):
			color = cyan
		case strings.HasPrefix(text, "-"):
			color = red
		case strings.HasPrefix(text, "+"):
			color = green
		}
		if color == "" {
			out.WriteString(line)
			continue
		}
		out.WriteString(color + text + reset + line[len(text):])
	}
	return out.Bytes()
}
