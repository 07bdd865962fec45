package migrate

import (
	"fmt"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
)

// An EXIT trap given as a string (`trap "upload; touch FLAG" EXIT`) is a script of its own:
// the statements that write the flag at its end go, the others stay in the trap, in the
// quotes they were written in. A trap that only writes the flag goes whole.

// trapFlagCut returns the cut that removes the writing of the flag from an EXIT trap given
// as a string, and the statement as it is printed once cut ("" when it goes whole); problem
// says why the trap cannot be edited.
func (p *flagPlan) trapFlagCut(text string, st *syntax.Stmt) (cut shell.Cut, printed, problem string) {
	call, _ := shell.CallName(st)
	arg := call.Args[1]
	handler, quote, ok := trapString(arg)
	if !ok {
		return cut, "", "its EXIT trap's handler is not one quoted string that expands nothing, so its text is known only when the trap is set: " + firstLine(shell.Print(st))
	}
	f, err := shell.Parse(handler)
	if err != nil || len(f.Stmts) == 0 {
		return cut, "", "its EXIT trap's handler does not parse: " + firstLine(shell.Print(st))
	}
	n := len(f.Stmts)
	for n > 0 && writtenFlag(handler, f.Stmts[n-1], nil) == p.flag && !f.Stmts[n-1].Background {
		n--
	}
	switch {
	case n == len(f.Stmts):
		if strings.Contains(handler, p.flag) {
			return cut, "", fmt.Sprintf("its EXIT trap writes the flag before the trap's last command, %q: the sidecar was stopped before that ran", firstLine(shell.Print(f.Stmts[n-1])))
		}
		return cut, "", "its EXIT trap uses " + p.flag + " in a way this tool does not recognise: " + firstLine(shell.Print(st))
	case n == 0:
		return shell.StmtCut(text, st), "", "" // it only writes the flag
	}
	for _, hs := range f.Stmts[:n] {
		if strings.Contains(handler[hs.Pos().Offset():hs.End().Offset()], p.flag) {
			return cut, "", "its EXIT trap uses " + p.flag + " before the trap's last command: " + firstLine(shell.Print(hs))
		}
	}
	var cuts []shell.Cut
	for _, hs := range f.Stmts[n:] {
		cuts = append(cuts, shell.StmtCut(handler, hs))
	}
	kept, err := shell.ApplyCuts(handler, f, cuts, nil)
	if err != nil {
		return cut, "", "its EXIT trap cannot be rewritten without the flag: " + err.Error()
	}
	word := quoteLike(kept, quote)
	edited := text[st.Pos().Offset():arg.Pos().Offset()] + word + text[arg.End().Offset():st.End().Offset()]
	ef, err := shell.Parse(edited)
	if err != nil || len(ef.Stmts) != 1 {
		return cut, "", "its EXIT trap cannot be rewritten without the flag: " + firstLine(shell.Print(st))
	}
	if got, _, _ := trapString(ef.Stmts[0].Cmd.(*syntax.CallExpr).Args[1]); got != kept {
		return cut, "", "its EXIT trap cannot be rewritten without the flag: " + firstLine(shell.Print(st))
	}
	return shell.Cut{From: int(arg.Pos().Offset()), To: int(arg.End().Offset()), Text: word}, shell.Print(ef.Stmts[0]), ""
}

// trapString returns the handler a trap's word gives, as the shell reads it, and the quote
// it is written in: a single-quoted string, or a double-quoted one that expands nothing.
func trapString(w *syntax.Word) (handler string, quote byte, ok bool) {
	if len(w.Parts) != 1 {
		return "", 0, false
	}
	switch part := w.Parts[0].(type) {
	case *syntax.SglQuoted:
		if !part.Dollar {
			return part.Value, '\'', true
		}
	case *syntax.DblQuoted:
		if part.Dollar {
			return "", 0, false
		}
		var b strings.Builder
		for _, q := range part.Parts {
			lit, isLit := q.(*syntax.Lit)
			if !isLit {
				return "", 0, false // an expansion, made when the trap is set
			}
			b.WriteString(lit.Value)
		}
		return unescapeDouble(b.String()), '"', true
	}
	return "", 0, false
}

// unescapeDouble reads the backslashes of a double-quoted string's text: before $, `, ", \
// and a newline, a backslash quotes the character (a newline goes with it); before any
// other, it stays.
func unescapeDouble(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\\n", s[i+1]) >= 0 {
			i++
			if s[i] == '\n' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// quoteLike quotes s in the quote it was read from.
func quoteLike(s string, quote byte) string {
	if quote == '\'' {
		return "'" + s + "'" // s came from single quotes: it holds none
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if strings.IndexByte("$`\"\\", s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}
