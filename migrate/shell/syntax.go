package shell

import (
	"bytes"
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Parse parses a script with bash's grammar, which also reads the scripts of sh, ash and
// dash.
func Parse(text string) (*syntax.File, error) {
	return syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(text), "")
}

// Print prints a shell node the way syntax.Printer does, to compare statements.
func Print(n syntax.Node) string {
	var b bytes.Buffer
	_ = syntax.NewPrinter().Print(&b, n)
	return b.String()
}

// CallName returns the simple command of a statement and its command name (the base name
// of its first word, "" for a bare assignment), or nil.
func CallName(s *syntax.Stmt) (*syntax.CallExpr, string) {
	call, ok := s.Cmd.(*syntax.CallExpr)
	if !ok {
		return nil, ""
	}
	if len(call.Args) == 0 {
		return call, ""
	}
	return call, path.Base(call.Args[0].Lit())
}

// LeadingCall returns the simple command that a statement runs first, through && and ||,
// or nil.
func LeadingCall(st *syntax.Stmt) *syntax.CallExpr {
	switch cmd := st.Cmd.(type) {
	case *syntax.CallExpr:
		if len(cmd.Args) > 0 {
			return cmd
		}
	case *syntax.BinaryCmd:
		return LeadingCall(cmd.X)
	}
	return nil
}

// WordText returns the literal value of a word, quotes removed, or "" when it expands
// anything.
func WordText(w *syntax.Word) string {
	if s, whole := LiteralPrefix(w); whole {
		return s
	}
	return ""
}

// LiteralPrefix returns the literal text a word starts with, quotes removed, before any
// expansion, and whether that is the whole word.
func LiteralPrefix(w *syntax.Word) (string, bool) {
	if w == nil {
		return "", true
	}
	var b strings.Builder
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			b.WriteString(p.Value)
		case *syntax.SglQuoted:
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				lit, ok := q.(*syntax.Lit)
				if !ok {
					return b.String(), false
				}
				b.WriteString(lit.Value)
			}
		default:
			return b.String(), false
		}
	}
	return b.String(), true
}

// HasArg reports whether one of args is, as WordText reads it, one of values.
func HasArg(args []*syntax.Word, values ...string) bool {
	for _, a := range args {
		for _, v := range values {
			if WordText(a) == v {
				return true
			}
		}
	}
	return false
}

// Expands reports whether a node runs anything or assigns when it expands: a command or
// process substitution, arithmetic, or ${x:=y}.
func Expands(n syntax.Node) bool {
	found := false
	syntax.Walk(n, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CmdSubst, *syntax.ProcSubst, *syntax.ArithmExp, *syntax.ArithmCmd:
			found = true
		case *syntax.ParamExp:
			if n.Exp != nil && (n.Exp.Op == syntax.AssignUnset || n.Exp.Op == syntax.AssignUnsetOrNull) {
				found = true
			}
		case *syntax.CallExpr:
			found = found || len(n.Assigns) > 0
		}
		return !found
	})
	return found
}

// FuncDecls returns the functions a script declares at its top level, by name.
func FuncDecls(f *syntax.File) map[string]*syntax.Stmt {
	out := map[string]*syntax.Stmt{}
	for _, st := range f.Stmts {
		if fd, ok := st.Cmd.(*syntax.FuncDecl); ok {
			out[fd.Name.Value] = st
		}
	}
	return out
}

// FuncsInOrder returns the names of the functions of funcs in the order the script declares
// them, so that what is reported about them never depends on map order.
func FuncsInOrder(f *syntax.File, funcs map[string]*syntax.Stmt) []string {
	var out []string
	for _, st := range f.Stmts {
		if fd, ok := st.Cmd.(*syntax.FuncDecl); ok && funcs[fd.Name.Value] == st {
			out = append(out, fd.Name.Value)
		}
	}
	return out
}

// FuncName returns the name of the function a statement declares, or "".
func FuncName(st *syntax.Stmt) string {
	if fd, ok := st.Cmd.(*syntax.FuncDecl); ok {
		return fd.Name.Value
	}
	return ""
}

// FuncBody returns the statements of a function declared with a { ... } body, or nil.
func FuncBody(st *syntax.Stmt) []*syntax.Stmt {
	fd, ok := st.Cmd.(*syntax.FuncDecl)
	if !ok {
		return nil
	}
	if b, ok := fd.Body.Cmd.(*syntax.Block); ok {
		return b.Stmts
	}
	return nil
}
