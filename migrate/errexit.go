package migrate

import (
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
)

// Errexit, followed through a script as the shell does: whether a failure of a statement
// ends the script there. A workaround after that statement then never ran after a failure,
// and cutting it changes no exit status. What the tool cannot follow (a set with a word it
// cannot read, a set, source or eval inside another statement or a function, which may run
// at any time) counts as errexit not in effect, so the status warning is given.

// errexitEnds reports whether, under errexit, a failure of the i-th top-level statement of
// a script ends the script before the next one runs.
func errexitEnds(s *shellScript, i int) bool {
	on := invokedErrexit(s)
	for _, st := range s.file.Stmts[:i] {
		switch setsErrexit(st) {
		case errexitOn:
			on = true
		case errexitOff, errexitUnknown:
			on = false
		}
	}
	return on && failureEnds(s.file.Stmts[i])
}

type errexitChange int

const (
	errexitKept errexitChange = iota
	errexitOn
	errexitOff
	errexitUnknown
)

// invokedErrexit reports whether the shell is started with -e (sh -e -c, -ec, -euo
// pipefail, -o errexit) and not +e.
func invokedErrexit(s *shellScript) bool {
	on := false
	for _, w := range s.words[:len(s.words)-1] {
		if ch := flagChange(w.Value); ch != errexitKept {
			on = ch == errexitOn
		}
	}
	ws := wordValues(s.words)
	for i := 1; i < len(ws)-1; i++ {
		if ws[i] == "errexit" && (ws[i-1] == "-o" || ws[i-1] == "+o") {
			on = ws[i-1] == "-o"
		}
	}
	return on
}

// flagChange reads one cluster of short flags: -e (in -xe, -euo...) sets errexit, +e
// clears it.
func flagChange(w string) errexitChange {
	switch {
	case strings.HasPrefix(w, "--") || len(w) < 2 || !strings.Contains(w[1:], "e"):
		return errexitKept
	case w[0] == '-':
		return errexitOn
	case w[0] == '+':
		return errexitOff
	}
	return errexitKept
}

// setsErrexit says how a top-level statement changes errexit: a plain set (set -e, set +e,
// set -o errexit, set +o errexit, set -xe), or unknown when it holds a set, source or eval
// the tool does not follow (in a function, a subshell, a list, an if). A statement run in
// the background (set -e &) runs in a subshell and changes nothing.
func setsErrexit(st *syntax.Stmt) errexitChange {
	if st.Background {
		return errexitKept // it runs in a subshell: the script's options stay as they are
	}
	if call, name := shell.CallName(st); name == "set" && !st.Negated && len(st.Redirs) == 0 {
		return setArgs(call.Args[1:])
	}
	change := errexitKept
	syntax.Walk(st, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok && len(call.Args) > 0 {
			switch call.Args[0].Lit() {
			case "set", "source", ".", "eval":
				change = errexitUnknown
			}
		}
		return change == errexitKept
	})
	return change
}

// setArgs reads the options of set; a word it cannot read makes the change unknown.
func setArgs(args []*syntax.Word) errexitChange {
	change := errexitKept
	for i := 0; i < len(args); i++ {
		w := shell.WordText(args[i])
		switch {
		case w == "":
			return errexitUnknown // "$opts", $(...): cannot tell
		case w == "--" || w == "-" || !strings.ContainsAny(w[:1], "-+"):
			return change // the positional parameters follow
		case w == "-o" || w == "+o":
			if i+1 < len(args) {
				i++
				switch shell.WordText(args[i]) {
				case "errexit":
					change = map[bool]errexitChange{true: errexitOn, false: errexitOff}[w == "-o"]
				case "":
					return errexitUnknown
				}
			}
		default:
			if ch := flagChange(w); ch != errexitKept {
				change = ch
			}
		}
	}
	return change
}

// failureEnds reports whether errexit ends the script when this statement fails: a simple
// command or a pipeline, not negated; a failure inside an && or || list, an if or a loop
// does not end it.
func failureEnds(st *syntax.Stmt) bool {
	if st.Negated || st.Background {
		return false
	}
	switch cmd := st.Cmd.(type) {
	case *syntax.CallExpr:
		return len(cmd.Args) > 0
	case *syntax.BinaryCmd:
		return cmd.Op == syntax.Pipe || cmd.Op == syntax.PipeAll
	}
	return false
}
