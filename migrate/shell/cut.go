package shell

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/internal/textedit"
	"mvdan.cc/sh/v3/syntax"
)

// A Cut is a byte range of a script to delete (Text "") or to replace with Text. Offsets
// are byte offsets in the script, as the parser's positions give them (Pos().Offset()).
type Cut = textedit.Edit

// StmtCut returns the range that removes statement s from text: the statement, the separator
// after it, and, when it stood alone on its line, the whole line.
func StmtCut(text string, s *syntax.Stmt) Cut {
	from, to := int(s.Pos().Offset()), int(s.End().Offset())
	for to < len(text) && (text[to] == ' ' || text[to] == '\t' || text[to] == ';') {
		to++
	}
	lineStart := strings.LastIndexByte(text[:from], '\n') + 1
	atLineEnd := to == len(text) || text[to] == '\n'
	switch {
	case strings.TrimSpace(text[lineStart:from]) == "" && atLineEnd:
		from = lineStart // the statement's whole line
		if to < len(text) {
			to++
		} else if from > 0 {
			from-- // the last line of a script without a final newline: the newline before it
		}
	case atLineEnd:
		// "a; b" loses "; b", not just "b".
		for from > lineStart && (text[from-1] == ' ' || text[from-1] == '\t') {
			from--
		}
		if from > lineStart && text[from-1] == ';' {
			from--
		}
	}
	return Cut{From: from, To: to}
}

// ApplyCuts makes the cuts in text, the script f was parsed from, and checks that the result
// parses and keeps, in order, every top-level statement that was not cut (as Print prints
// it). A statement that replaced maps is expected in its printed replacement instead, or
// not at all when that is "".
func ApplyCuts(text string, f *syntax.File, cuts []Cut, replaced map[*syntax.Stmt]string) (string, error) {
	cuts, err := mergeCuts(text, cuts)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	pos := 0
	for _, c := range cuts {
		b.WriteString(text[pos:c.From])
		b.WriteString(c.Text)
		pos = c.To
	}
	b.WriteString(text[pos:])
	out := b.String()
	edited, err := Parse(out)
	if err != nil {
		return "", fmt.Errorf("the edited script does not parse: %w", err)
	}
	var want []string
	for _, s := range f.Stmts {
		if r, ok := replaced[s]; ok {
			if r != "" {
				want = append(want, r)
			}
			continue
		}
		if !Covered(s, cuts) {
			want = append(want, Print(s))
		}
	}
	var got []string
	for _, s := range edited.Stmts {
		got = append(got, Print(s))
	}
	if strings.Join(want, "\x00") != strings.Join(got, "\x00") {
		return "", fmt.Errorf("the edit would change statements it should keep")
	}
	return out, nil
}

// mergeCuts sorts the cuts and joins deletions that overlap or touch (the statements
// "x=$?; curl ..." removed together), tidying the joined range like StmtCut does.
func mergeCuts(text string, cuts []Cut) ([]Cut, error) {
	sort.Slice(cuts, func(i, j int) bool { return cuts[i].From < cuts[j].From })
	var out []Cut
	for _, c := range cuts {
		if n := len(out); n > 0 && c.From <= out[n-1].To {
			last := &out[n-1]
			if c.Text != "" || last.Text != "" {
				if c.From < last.To {
					return nil, fmt.Errorf("overlapping edits")
				}
				out = append(out, c)
				continue
			}
			last.To = max(last.To, c.To)
			continue
		}
		out = append(out, c)
	}
	for i := range out {
		c := &out[i]
		if c.Text != "" || c.To < len(text) && text[c.To] != '\n' {
			continue
		}
		lineStart := strings.LastIndexByte(text[:c.From], '\n') + 1
		if strings.TrimSpace(text[lineStart:c.From]) == "" {
			continue // StmtCut already took the whole line, or the cut starts it
		}
		// "a; b; c" that loses "b; c" keeps "a", without a dangling "; ".
		for c.From > lineStart && (text[c.From-1] == ' ' || text[c.From-1] == '\t') {
			c.From--
		}
		if c.From > lineStart && text[c.From-1] == ';' {
			c.From--
		}
	}
	return out, nil
}

// EditedStmt returns statement st once the cuts inside it are made, as Print prints it, or
// "" when that does not parse as one statement.
func EditedStmt(text string, st *syntax.Stmt, cuts []Cut) string {
	from, to := int(st.Pos().Offset()), int(st.End().Offset())
	var inside []Cut
	for _, c := range cuts {
		if c.From >= from && c.To <= to {
			inside = append(inside, Cut{From: c.From - from, To: c.To - from, Text: c.Text})
		}
	}
	sub := text[from:to]
	inside, err := mergeCuts(sub, inside)
	if err != nil {
		return ""
	}
	var b strings.Builder
	pos := 0
	for _, c := range inside {
		b.WriteString(sub[pos:c.From] + c.Text)
		pos = c.To
	}
	b.WriteString(sub[pos:])
	f, err := Parse(b.String())
	if err != nil || len(f.Stmts) != 1 {
		return ""
	}
	return Print(f.Stmts[0])
}

// Covered reports whether one of the cuts covers statement s whole.
func Covered(s *syntax.Stmt, cuts []Cut) bool {
	for _, c := range cuts {
		if int(s.Pos().Offset()) >= c.From && int(s.End().Offset()) <= c.To {
			return true
		}
	}
	return false
}
