package migrate

import (
	"fmt"
	"path"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Flags a container reads: another container's script writes a file on a volume they share
// (touch F, echo ... > F, in an EXIT trap too), and this container's command, args or env
// name that file or its folder (--stop-file=F, --done-dir=D). It may stop when the file
// appears, which a native sidecar must not do, so it is unproven. A watcher the tool
// recognises no longer reads the flag once the workaround is removed, so the gate, which
// reads the final tree, passes it.

// flagWrite is a file a script writes as a flag, with the statement and its line.
type flagWrite struct {
	file, what string
	line       int
}

// readsFlag returns the word of c that names a flag that other writes, or nil.
func readsFlag(other, c container) *unproven {
	s := containerScript(other.node)
	if s == nil || s.file == nil {
		return nil
	}
	for _, w := range flagWrites(s) {
		for _, seen := range sharedPaths(other.node, c.node, w.file) {
			for _, p := range []string{seen, path.Dir(seen)} {
				n, word := namesPath(c.node, p)
				if n == nil {
					continue
				}
				named := p + ","
				if p != seen {
					named = p + ", the folder of " + seen + ","
				}
				return &unproven{word, n.Line, fmt.Sprintf("names %s which container %s writes (%q, line %d): it may stop when that file appears; keep it in containers, or move it by hand if it only reads the file", named, other.name, w.what, w.line)}
			}
		}
	}
	return nil
}

// flagWrites returns the files with a literal absolute path that a script creates as flags:
// touch F, and a redirection of echo, printf, date, true, : or nothing to F; EXIT traps'
// handlers are read too.
func flagWrites(s *shellScript) []flagWrite {
	var out []flagWrite
	var walk func(text string, f *syntax.File, line func(syntax.Node) int)
	walk = func(text string, f *syntax.File, line func(syntax.Node) int) {
		syntax.Walk(f, func(n syntax.Node) bool {
			st, ok := n.(*syntax.Stmt)
			if !ok {
				return true
			}
			call, name := shell.CallName(st)
			what := firstLine(text[st.Pos().Offset():st.End().Offset()])
			add := func(w *syntax.Word) {
				if p := shell.WordText(w); path.IsAbs(p) {
					out = append(out, flagWrite{path.Clean(p), what, line(st)})
				}
			}
			switch name {
			case "touch":
				for _, a := range call.Args[1:] {
					add(a)
				}
			case "echo", "printf", "date", "true", ":", "":
				for _, r := range st.Redirs {
					if r.Op == syntax.RdrOut || r.Op == syntax.AppOut || r.Op == syntax.RdrClob {
						add(r.Word)
					}
				}
			case "trap":
				if len(call.Args) > 2 {
					handler := shell.WordText(call.Args[1])
					if hf, err := shell.Parse(handler); err == nil {
						at := line(st)
						walk(handler, hf, func(syntax.Node) int { return at })
					}
				}
			}
			return true
		})
	}
	walk(s.node.Value, s.file, func(n syntax.Node) int { return scriptLine(s, n) })
	return out
}

// sharedPaths returns where reader sees file, which writer writes, through the volumes both
// mount (at the reader's mount path).
func sharedPaths(writer, reader *yaml.Node, file string) []string {
	var out []string
	for _, wm := range seqItems(lookup(writer, "volumeMounts")) {
		at := path.Clean(scalar(wm, "mountPath"))
		rel, ok := strings.CutPrefix(file, at+"/")
		if !ok {
			continue
		}
		for _, rm := range seqItems(lookup(reader, "volumeMounts")) {
			if scalar(rm, "name") == scalar(wm, "name") && scalar(rm, "subPath") == scalar(wm, "subPath") {
				out = append(out, path.Join(scalar(rm, "mountPath"), rel))
			}
		}
	}
	return out
}

// namesPath returns the item of c's command, args or env that names p as one of its
// tokens (--stop-file=P, P, P/), with that item's text. A script's loops that only wait
// before its program starts (a start gate) and a final tail -f of the file (a log
// streamer, which never ends on it) read the file without ending on it.
func namesPath(c *yaml.Node, p string) (*yaml.Node, string) {
	type item struct {
		n    *yaml.Node
		text string
	}
	var items []item
	s := containerScript(c)
	for _, n := range commandWords(c) {
		if s == nil || n != s.node {
			items = append(items, item{n, n.Value})
		}
	}
	if s != nil && s.file != nil {
		for i, st := range s.file.Stmts {
			if !waitsToStart(st) && !(i == len(s.file.Stmts)-1 && tailFollows(st)) {
				items = append(items, item{s.node, s.node.Value[st.Pos().Offset():st.End().Offset()]})
			}
		}
	} else if s != nil {
		items = append(items, item{s.node, s.node.Value})
	}
	if words := wordValues(commandWords(c)); s == nil && len(words) > 0 && path.Base(words[0]) == "tail" && followFlag(words[1:]) {
		items = nil
	}
	for _, e := range seqItems(lookup(c, "env")) {
		if v := lookup(e, "value"); v != nil {
			items = append(items, item{v, v.Value})
		}
	}
	for _, it := range items {
		for _, tok := range strings.FieldsFunc(it.text, func(r rune) bool { return strings.ContainsRune(" \t\n=,:;'\"()[]", r) }) {
			if path.IsAbs(tok) && path.Clean(tok) == p {
				return it.n, firstLine(it.text)
			}
		}
	}
	return nil, ""
}

// tailFollows reports whether a statement is tail -f (-F, --follow), exec'ed or not.
func tailFollows(st *syntax.Stmt) bool {
	call, name := shell.CallName(st)
	if call == nil || st.Background {
		return false
	}
	args := call.Args
	if name == "exec" && len(args) > 1 {
		args = args[1:]
		name = path.Base(shell.WordText(args[0]))
	}
	var words []string
	for _, a := range args[1:] {
		words = append(words, shell.WordText(a))
	}
	return name == "tail" && followFlag(words)
}

// followFlag reports whether tail's options hold -f, -F or --follow.
func followFlag(words []string) bool {
	for _, w := range words {
		if strings.HasPrefix(w, "--follow") || (strings.HasPrefix(w, "-") && !strings.HasPrefix(w, "--") && strings.ContainsAny(w, "fF")) {
			return true
		}
	}
	return false
}
