package migrate

import (
	"path"
	"regexp"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
)

// Signals through a shared process namespace, as the gate reads them: a statement of
// another container leaves a sidecar unproven when it may signal the sidecar's process,
// which it does unless every process it signals is named exactly and is known to be another
// container's. kill -1 (every process), a negative pid (a process group), a pid the tool
// cannot trace, killall5, pkill or killall with a pattern, a selection by user, group,
// parent, session or terminal, or a name no other container is known to run, and a signal
// tool run by another command (xargs kill, find -exec kill, timeout 5 kill, sh -c "kill
// ...") all may. timeout -s SIGNAL signals only the program it starts.

// signalTools are the commands that signal processes other than their own children.
var signalTools = map[string]bool{"kill": true, "pkill": true, "killall": true, "killall5": true, "skill": true}

// pkillSelectors are the options of pkill and killall that choose processes by something
// other than the name (user, group, parent, session, terminal, namespace, age, pid file).
var pkillSelectors = map[string]bool{
	"-u": true, "-U": true, "-g": true, "-G": true, "-P": true, "-s": true, "-t": true,
	"-F": true, "-n": true, "-o": true, "-y": true, "-r": true, "-I": true, "-i": true,
	"--euid": true, "--uid": true, "--pgroup": true, "--group": true, "--parent": true,
	"--session": true, "--terminal": true, "--pidfile": true, "--ns": true, "--newest": true,
	"--oldest": true, "--user": true, "--regexp": true, "--ignore-case": true,
	"--older-than": true, "--younger-than": true,
}

// patternChars make a pkill name a regular expression (pkill matches names as extended
// regular expressions, anywhere in the name).
var patternChars = regexp.MustCompile(`[][.*+?^$(){}|\\]`)

// mayReach reports whether a command of another container may signal c's process: it is a
// signal tool that does not name exactly a process of another container, or another
// command that runs one.
func mayReach(call *syntax.CallExpr, c container, pod []container) bool {
	name := path.Base(call.Args[0].Lit())
	switch name {
	case "kill":
		return killReaches(call.Args[1:], c)
	case "pkill", "killall":
		return pkillReaches(call.Args[1:], name, c, pod)
	case "killall5", "skill":
		return true
	}
	return runsSignalTool(call.Args[1:])
}

// runsSignalTool reports whether words hand a signal tool to another command (xargs kill,
// find -exec pkill, sudo kill, sh -c "kill ...", eval "kill ..."): any field of their
// text that names one.
func runsSignalTool(args []*syntax.Word) bool {
	for _, a := range args {
		text := shell.WordText(a)
		if text == "" {
			text = shell.Print(a)
		}
		for _, f := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(" \t\n;|&()'\"`$", r) }) {
			if signalTools[path.Base(f)] {
				return true
			}
		}
	}
	return false
}

// killReaches reads kill's operands after its signal: a pid of $(pidof NAME) or
// $(pgrep NAME) reaches c when c runs NAME; -1, a negative pid (a process group), a literal
// pid or one the tool cannot trace may reach anyone; %N (a job of the shell) and 0 (its own
// process group) do not leave the container.
func killReaches(args []*syntax.Word, c container) bool {
	i := 0
	if i < len(args) {
		switch w := shell.WordText(args[i]); {
		case w == "-s" || w == "-n":
			i += 2
		case w == "-l" || w == "-L":
			return false // lists signals
		case strings.HasPrefix(w, "-") && w != "--" && len(w) > 1 && !isNumber(w[1:]):
			i++ // -TERM, -SIGKILL, -9
		case strings.HasPrefix(w, "-") && len(w) > 1 && isNumber(w[1:]) && i+1 < len(args):
			i++ // -9 PID
		}
	}
	for ; i < len(args); i++ {
		w := shell.WordText(args[i])
		switch {
		case w == "--":
		case w == "0" || strings.HasPrefix(w, "%"):
		case w == "":
			if process := pidLookup(args[i]); process == "" || runsProcess(c, process, true) {
				return true // $PID, $(...): cannot tell whose
			}
		default:
			return true // -1, a process group, a literal pid: cannot tell whose
		}
	}
	return false
}

// pkillReaches reads pkill's or killall's names: each must be a plain name (no pattern, no
// selection by anything else) that c does not run and another container of the pod runs.
func pkillReaches(args []*syntax.Word, tool string, c container, pod []container) bool {
	full, named := false, false
	for i := 0; i < len(args); i++ {
		w := shell.WordText(args[i])
		switch {
		case w == "":
			return true // a name the tool cannot read
		case w == "-f" || w == "--full":
			full = true
		case w == "-x" || w == "--exact" || w == "-e" || w == "-q" || w == "-w" || w == "-v":
		case tool == "killall" && (w == "-s" || w == "--signal"), tool == "pkill" && w == "--signal":
			i++
		case pkillSelectors[w] || strings.HasPrefix(w, "--") && strings.Contains(w, "="):
			return true
		case strings.HasPrefix(w, "-"):
			// -TERM, -9, --signal=TERM; a cluster of other flags cannot be told apart
			if s := strings.TrimPrefix(w, "-"); !signalName(s) && !strings.HasPrefix(w, "--signal=") {
				return true
			}
		default:
			named = true
			if (tool == "pkill" && patternChars.MatchString(w)) || runsProcess(c, w, true) || !runByOther(w, full, c, pod) {
				return true
			}
		}
	}
	return !named
}

// runByOther reports whether a container of the pod other than c is known to run a process
// of that name (or, with -f, a command line that holds it).
func runByOther(name string, full bool, c container, pod []container) bool {
	for _, o := range pod {
		if o.node != c.node && runsProcess(o, name, full) {
			return true
		}
	}
	return false
}

// signalName reports whether s names a signal as kill, pkill and killall take it: a number
// or a name (TERM, SIGTERM, HUP, USR1...).
func signalName(s string) bool {
	if isNumber(s) {
		return true
	}
	s = strings.TrimPrefix(strings.ToUpper(s), "SIG")
	switch s {
	case "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
		"PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
		"XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "POLL", "PWR", "SYS":
		return true
	}
	return false
}

func isNumber(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
