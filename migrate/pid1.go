package migrate

import (
	"fmt"
	"path"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// PID 1 after the shared process namespace goes. With shareProcessNamespace the pause
// container is PID 1 of the pod; without it each container's first process is PID 1 of its
// own, and the kernel delivers no signal to a PID 1 that has no handler for it. A shell that
// runs the app's program as a child and traps nothing then ignores the SIGTERM of a deletion,
// of activeDeadlineSeconds or of a drain, and the container runs until
// terminationGracePeriodSeconds is over. As with a wrapper's removal (wrappers.go), the
// change is reported, not refused: the fix is the app's, in its script.

// pid1Notes returns a warning for each container of the pod that runs a shell script which
// would stay PID 1 once the namespace is not shared: it does not exec its last program, nor
// wait for a program in the background with a TERM trap (a shell runs a trap only once its
// foreground command has ended).
func pid1Notes(spec *yaml.Node) []Note {
	var notes []Note
	var running []*yaml.Node // an init container that is not a sidecar has ended before the app runs
	for _, c := range seqItems(lookup(spec, "initContainers")) {
		if scalar(c, "restartPolicy") == "Always" {
			running = append(running, c)
		}
	}
	for _, c := range append(running, seqItems(lookup(spec, "containers"))...) {
		s := containerScript(c)
		if s == nil || s.file == nil || len(s.file.Stmts) == 0 || handlesTerm(s.file) && waits(s.file) || behindInit(commandWords(c)) {
			continue
		}
		last := s.file.Stmts[len(s.file.Stmts)-1]
		call, name := shell.CallName(last)
		if name == "exec" && len(call.Args) > 1 {
			continue
		}
		fix := "run its program with exec"
		if call != nil && !last.Background && !last.Negated {
			fix = "end with exec " + firstLine(shell.Print(last))
		}
		sh := path.Base(commandWords(c)[shellAt(commandWords(c))].Value)
		notes = append(notes, Note{Rule: ruleProcessNamespace, Severity: Warning, Container: scalar(c, "name"), Line: s.node.Line, Column: s.node.Column,
			Message: fmt.Sprintf("without the shared process namespace %s is PID 1 of container %s (unless it execs the last command itself, as only some shells do), and a PID 1 without a handler ignores SIGTERM: a deletion, activeDeadlineSeconds or a drain then waits for terminationGracePeriodSeconds; make the script %s, or run the program in the background and wait for it, with a TERM trap that passes the signal on", sh, scalar(c, "name"), fix)})
	}
	return notes
}

// handlesTerm reports whether a script sets a trap on TERM (SIGTERM, 15).
func handlesTerm(f *syntax.File) bool {
	found := false
	syntax.Walk(f, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || len(call.Args) < 3 || shell.WordText(call.Args[0]) != "trap" {
			return !found
		}
		for _, a := range call.Args[2:] {
			switch strings.TrimPrefix(strings.ToUpper(shell.WordText(a)), "SIG") {
			case "TERM", "15":
				found = true
			}
		}
		return !found
	})
	return found
}

// waits reports whether a script runs the wait builtin.
func waits(f *syntax.File) bool {
	found := false
	syntax.Walk(f, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok && len(call.Args) > 0 && shell.WordText(call.Args[0]) == "wait" {
			found = true
		}
		return !found
	})
	return found
}

// behindInit reports whether a command runs its shell behind an init (tini, dumb-init,
// catatonit), which is PID 1 in the shell's place and passes SIGTERM on.
func behindInit(words []*yaml.Node) bool {
	for _, w := range words[:max(shellAt(words), 0)] {
		switch path.Base(w.Value) {
		case "tini", "dumb-init", "catatonit":
			return true
		}
	}
	return false
}
