package migrate

import (
	"path"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A watcher reduced to running its process makes that process the shell's own with exec,
// and is written back in exec form when the shell adds nothing: the program and its literal
// arguments become the container's command.

// shellBuiltins are the builtins and keywords of sh, bash, dash and ash that no file on the
// PATH provides for sure: exec, and an exec-form command, cannot run them.
var shellBuiltins = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`: . source alias bg bind break builtin caller cd command
		compgen complete continue declare dirs disown enable eval exec exit export fc fg
		getopts hash help history jobs let local logout mapfile popd pushd read readarray
		readonly return select set shift shopt suspend times trap type typeset ulimit umask
		unalias unset wait if then else elif fi case esac for while until do done function
		time coproc { } ! [[ ]] in`) {
		shellBuiltins[w] = true
	}
}

// execStmt returns the statement that makes a watcher's background process the shell's own
// (`proc args &` becomes `exec proc args`), with the way it prints, or why that cannot be
// shown to run the same process. `exec` and `command` (without options) in front of the
// program are dropped: in the background they ran it as it is, and `exec exec proc` would
// look for a program named exec.
func execStmt(text string, f *syntax.File, st *syntax.Stmt) (stmt, printed, problem string) {
	src := firstLine(text[st.Pos().Offset():st.End().Offset()])
	call, ok := st.Cmd.(*syntax.CallExpr)
	switch {
	case !ok || len(call.Args) == 0 || st.Negated || st.Coprocess:
		return "", "", "its background process (" + src + ") is not a simple command, which exec cannot run; run the program directly"
	case len(call.Assigns) > 0:
		return "", "", "its background process sets " + call.Assigns[0].Name.Value + " for itself (" + src + "), and whether `VAR=value exec program` passes the variable on is left to each shell; set it in the container's env instead, and run again"
	}
	args := call.Args
	for len(args) > 1 {
		if w := shell.WordText(args[0]); w != "exec" && w != "command" {
			break
		}
		if strings.HasPrefix(shell.WordText(args[1]), "-") {
			return "", "", "its background process runs " + shell.WordText(args[0]) + " with options (" + src + "), which this tool does not rewrite; run the program directly"
		}
		args = args[1:]
	}
	name := shell.WordText(args[0])
	switch {
	case shellBuiltins[name]:
		return "", "", "its background process is the shell builtin " + name + " (" + src + "), which exec cannot run"
	case shell.FuncDecls(f)[name] != nil:
		return "", "", "its background process is the script's function " + name + " (" + src + "), which exec cannot run; run the program directly"
	}
	from, to := int(args[0].Pos().Offset()), int(st.End().Offset())
	for _, r := range st.Redirs {
		if int(r.Pos().Offset()) < from {
			if len(args) < len(call.Args) {
				return "", "", "its background process has a redirection before " + name + " (" + src + "); write it after the program"
			}
			from = int(st.Pos().Offset())
		}
	}
	bg, inner := *st, *call
	inner.Args = args
	bg.Cmd, bg.Background = &inner, false
	return "exec " + strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text[from:to]), "&")), "exec " + shell.Print(&bg), ""
}

// execWords returns the words of a watcher's script that only execs one program with
// literal arguments, which an exec-form command runs the same without a shell; nil
// otherwise, and the script stays (execFormSafe says when the shell adds nothing).
func execWords(s *shellScript, script string) []string {
	f, err := shell.Parse(script)
	if err != nil || len(f.Stmts) != 1 || !execFormSafe(s) {
		return nil
	}
	st := f.Stmts[0]
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || st.Background || st.Negated || len(st.Redirs) > 0 || len(call.Assigns) > 0 || len(call.Args) < 2 || call.Args[0].Lit() != "exec" {
		return nil
	}
	if prog := shell.WordText(call.Args[1]); shellBuiltins[prog] || strings.HasPrefix(prog, "-") || strings.Contains(prog, "=") {
		return nil
	}
	var words []string
	for _, a := range call.Args[1:] {
		w := shell.WordText(a)
		// "$" would be expanded by the kubelet ($(VAR)); globs, "~" and escapes by the shell.
		if w == "" || strings.Contains(w, "$") {
			return nil
		}
		for _, part := range a.Parts {
			if lit, ok := part.(*syntax.Lit); ok && strings.ContainsAny(lit.Value, "*?[]{}~\\") {
				return nil
			}
		}
		words = append(words, w)
	}
	return words
}

// execFormSafe reports whether the shell that runs a script adds nothing to `exec PROGRAM`:
// nothing before it but env or busybox without options or variables; no positional
// parameters; only flags that cannot matter to one exec of literal words (-c; -e, since
// nothing runs after exec; -u, -f and -a, since the words expand nothing and assign
// nothing; -o pipefail with no pipe; bash's --norc and --noprofile, which only skip files).
// A login shell (-l) reads the profile (its PATH), -x and -v print, -i, -p and the rest
// change the shell; bash reads $BASH_ENV first, which env or envFrom may set.
func execFormSafe(s *shellScript) bool {
	words := wordValues(s.words[:len(s.words)-1])
	if s.positional || len(words) == 0 {
		return false
	}
	for len(words) > 1 && (path.Base(words[0]) == "env" || path.Base(words[0]) == "busybox") {
		words = words[1:]
	}
	if !isShell(path.Base(words[0])) {
		return false // env's options or variables
	}
	if path.Base(words[0]) == "bash" {
		if _, set := readContainer(s.container).env["BASH_ENV"]; set || lookup(s.container, "envFrom") != nil {
			return false
		}
	}
	for i := 1; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "--norc" || w == "--noprofile":
		case i > 1 && strings.HasSuffix(words[i-1], "o") && !strings.HasPrefix(words[i-1], "--"):
			if w != "pipefail" && w != "errexit" && w != "nounset" && w != "noglob" {
				return false
			}
		case strings.HasPrefix(w, "-") && !strings.HasPrefix(w, "--") && strings.Trim(w[1:], "ceufao") == "":
		default:
			return false
		}
	}
	return true
}

// execFormEdits replaces the shell words of a container (from the shell to the script)
// with the words of the program it execs, in the style of the shell word: reused items
// first, then new ones after the script's item.
func execFormEdits(t podTemplate, s *shellScript, words []string) []Edit {
	// Each list keeps the quoting of its first item (a block scalar's list: plain words).
	style := func(seq *yaml.Node) yaml.Style {
		if st := seq.Content[0].Style; st&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
			return st
		}
		return 0
	}
	var edits []Edit
	used := min(len(words), len(s.words))
	for i, n := range s.words {
		if i < used {
			edits = append(edits, edit(t, n, Edit{Op: OpSet, Value: words[i], Style: style(s.seqs[n]), Tag: "!!str", Restyle: true}))
			continue
		}
		edits = append(edits, edit(t, n, Edit{Op: OpDelete, Prune: true}))
	}
	last := s.words[used-1]
	for _, w := range words[used:] {
		edits = append(edits, edit(t, last, Edit{Op: OpInsertAfter, Value: w, Tag: "!!str", Style: style(s.seqs[last])}))
	}
	return edits
}

func indexOfNode(list []*yaml.Node, n *yaml.Node) int {
	for i, x := range list {
		if x == n {
			return i
		}
	}
	return -1
}
