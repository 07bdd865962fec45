package migrate

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// shellScript is a script a container runs with `sh -c` (or bash, ash, dash, /usr/bin/env
// bash, with flags such as -ec, -xc, -euo pipefail -c), held by one scalar of command or args.
type shellScript struct {
	node *yaml.Node // the scalar that holds the script
	file *syntax.File
	err  string // why the script does not parse, when file is nil
	// words are the items of command and args from the shell (or env) to the script, and
	// positional tells whether items follow the script (its $0, $1...).
	words      []*yaml.Node
	positional bool
	seqs       map[*yaml.Node]*yaml.Node // each word -> the command or args list it is in
	container  *yaml.Node
}

// containerScript returns the shell script of a container, or nil when its command does not
// run a shell. A script that does not parse is returned with file nil.
func containerScript(c *yaml.Node) *shellScript {
	var words []*yaml.Node
	seqs := map[*yaml.Node]*yaml.Node{}
	for _, key := range []string{"command", "args"} {
		if seq := lookup(c, key); seq != nil && seq.Kind == yaml.SequenceNode {
			words = append(words, seq.Content...)
			for _, w := range seq.Content {
				seqs[w] = seq
			}
		}
	}
	i := shellAt(words)
	if i < 0 {
		return nil
	}
	for i++; i < len(words); i++ {
		w := words[i].Value
		if !strings.HasPrefix(w, "-") {
			if prev := words[i-1].Value; strings.HasPrefix(prev, "-") && !strings.HasPrefix(prev, "--") && strings.HasSuffix(prev, "o") {
				continue // the option name of -o (or -euo): pipefail
			}
			return nil // a script file, not -c
		}
		if !strings.HasPrefix(w, "--") && strings.Contains(w, "c") && i+1 < len(words) {
			s := &shellScript{node: words[i+1], words: words[:i+2], positional: i+2 < len(words), seqs: seqs, container: c}
			if f, err := parseShell(s.node.Value); err == nil {
				s.file = f
			} else {
				s.err = err.Error()
			}
			return s
		}
	}
	return nil
}

// shellAt returns the index of the shell among the words of a command: sh, bash, ash, dash
// (any path), after env (its flags and VAR=value assignments) or busybox; -1 when the
// command does not run a shell.
func shellAt(words []*yaml.Node) int {
	i := 0
	if i < len(words) && path.Base(words[i].Value) == "env" {
		for i++; i < len(words) && (strings.HasPrefix(words[i].Value, "-") || strings.Contains(words[i].Value, "=")); i++ {
		}
	}
	if i < len(words) && path.Base(words[i].Value) == "busybox" {
		i++
	}
	if i >= len(words) {
		return -1
	}
	switch path.Base(words[i].Value) {
	case "sh", "bash", "ash", "dash":
		return i
	}
	return -1
}

func parseShell(text string) (*syntax.File, error) {
	return syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(text), "")
}

// printNode prints a shell node the way syntax.Printer does, to compare statements.
func printNode(n syntax.Node) string {
	var b bytes.Buffer
	_ = syntax.NewPrinter().Print(&b, n)
	return b.String()
}

// cut is a byte range of a script to delete, or to replace with text.
type cut struct {
	from, to int
	text     string
}

// stmtCut returns the range that removes statement s from text: the statement, the separator
// after it, and, when it stood alone on its line, the whole line.
func stmtCut(text string, s *syntax.Stmt) cut {
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
	return cut{from: from, to: to}
}

// applyCuts deletes the ranges from text and checks that the result parses and keeps, in
// order, every top-level statement that was not cut (as printed by the shell printer).
func applyCuts(text string, f *syntax.File, cuts []cut, replaced map[*syntax.Stmt]string) (string, error) {
	cuts, err := mergeCuts(text, append(cuts, explainingComments(text, f, cuts)...))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	pos := 0
	for _, c := range cuts {
		b.WriteString(text[pos:c.from])
		b.WriteString(c.text)
		pos = c.to
	}
	b.WriteString(text[pos:])
	out := b.String()
	edited, err := parseShell(out)
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
		if !covered(s, cuts) {
			want = append(want, printNode(s))
		}
	}
	var got []string
	for _, s := range edited.Stmts {
		got = append(got, printNode(s))
	}
	if strings.Join(want, "\x00") != strings.Join(got, "\x00") {
		return "", fmt.Errorf("the edit would change statements it should keep")
	}
	return out, nil
}

// mergeCuts sorts the cuts and joins deletions that overlap or touch (the statements
// "x=$?; curl ..." removed together), tidying the joined range like stmtCut does.
func mergeCuts(text string, cuts []cut) ([]cut, error) {
	sort.Slice(cuts, func(i, j int) bool { return cuts[i].from < cuts[j].from })
	var out []cut
	for _, c := range cuts {
		if n := len(out); n > 0 && c.from <= out[n-1].to {
			last := &out[n-1]
			if c.text != "" || last.text != "" {
				if c.from < last.to {
					return nil, fmt.Errorf("overlapping edits")
				}
				out = append(out, c)
				continue
			}
			last.to = max(last.to, c.to)
			continue
		}
		out = append(out, c)
	}
	for i := range out {
		c := &out[i]
		if c.text != "" || c.to < len(text) && text[c.to] != '\n' {
			continue
		}
		lineStart := strings.LastIndexByte(text[:c.from], '\n') + 1
		if strings.TrimSpace(text[lineStart:c.from]) == "" {
			continue // stmtCut already took the whole line, or the cut starts it
		}
		// "a; b; c" that loses "b; c" keeps "a", without a dangling "; ".
		for c.from > lineStart && (text[c.from-1] == ' ' || text[c.from-1] == '\t') {
			c.from--
		}
		if c.from > lineStart && text[c.from-1] == ';' {
			c.from--
		}
	}
	return out, nil
}

// editedStmt returns statement st once the cuts inside it are made, as the printer prints
// it, or "" when that does not parse as one statement.
func editedStmt(text string, st *syntax.Stmt, cuts []cut) string {
	from, to := int(st.Pos().Offset()), int(st.End().Offset())
	var inside []cut
	for _, c := range cuts {
		if c.from >= from && c.to <= to {
			inside = append(inside, cut{from: c.from - from, to: c.to - from, text: c.text})
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
		b.WriteString(sub[pos:c.from] + c.text)
		pos = c.to
	}
	b.WriteString(sub[pos:])
	f, err := parseShell(b.String())
	if err != nil || len(f.Stmts) != 1 {
		return ""
	}
	return printNode(f.Stmts[0])
}

// statusChange says how the cuts change the exit status of a script that ends with a
// workaround, or returns "": a shell's status is its last statement's, so once that is cut,
// the statement before it decides. Nothing changes under errexit, where a failure ended the
// script before the workaround ran, nor where the workaround carried the status on: `X=$?`
// cut with it, or `$?` written for a sidecar to mirror.
func statusChange(s *shellScript, cuts []cut) string {
	stmts := s.file.Stmts
	if len(stmts) == 0 || errexit(s) || mirrorsStatus(stmts, cuts) {
		return ""
	}
	last := stmts[len(stmts)-1]
	if _, name := callName(last); !covered(last, cuts) || name == "trap" || strings.Contains(printNode(last), "$?") {
		return ""
	}
	for _, st := range stmts {
		if statusVar(st) != "" && covered(st, cuts) {
			return ""
		}
	}
	for i := len(stmts) - 2; i >= 0; i-- {
		if !covered(stmts[i], cuts) {
			now := firstLine(printNode(stmts[i]))
			return fmt.Sprintf("the script now exits with the status of %q, not of the removed %q: a failure of %q that was hidden now fails the Job; end the script with || true if that is not wanted",
				now, firstLine(printNode(last)), now)
		}
	}
	return ""
}

// errexit reports whether a script stops at its first failure: sh -e (-ec, -euo...), or a
// top-level set -e or set -o errexit.
func errexit(s *shellScript) bool {
	words := make([]string, 0, len(s.words))
	for _, w := range s.words[:len(s.words)-1] {
		words = append(words, w.Value)
	}
	for _, st := range s.file.Stmts {
		if call, name := callName(st); name == "set" {
			for _, a := range call.Args[1:] {
				words = append(words, a.Lit())
			}
		}
	}
	for _, w := range words {
		if w == "errexit" || strings.HasPrefix(w, "-") && !strings.HasPrefix(w, "--") && strings.Contains(w, "e") {
			return true
		}
	}
	return false
}

func covered(s *syntax.Stmt, cuts []cut) bool {
	for _, c := range cuts {
		if int(s.Pos().Offset()) >= c.from && int(s.End().Offset()) <= c.to {
			return true
		}
	}
	return false
}

// callName returns the simple command of a statement and its command name ("" for a bare
// assignment), or nil.
func callName(s *syntax.Stmt) (*syntax.CallExpr, string) {
	call, ok := s.Cmd.(*syntax.CallExpr)
	if !ok {
		return nil, ""
	}
	if len(call.Args) == 0 {
		return call, ""
	}
	return call, path.Base(call.Args[0].Lit())
}

// funcsInOrder returns the names of the functions of funcs in the order the script declares
// them, so that what is reported about them never depends on map order.
func funcsInOrder(f *syntax.File, funcs map[string]*syntax.Stmt) []string {
	var out []string
	for _, st := range f.Stmts {
		if fd, ok := st.Cmd.(*syntax.FuncDecl); ok && funcs[fd.Name.Value] == st {
			out = append(out, fd.Name.Value)
		}
	}
	return out
}
