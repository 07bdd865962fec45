package migrate

import (
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// A sidecar's own script may wait for a port before it starts its program
// (until nc -z 127.0.0.1 8080; do sleep 1; done; exec proxy). Native, its startupProbe
// checks a program that starts only once that wait ends, and its postStart hook may check
// it too: when the port is the app's, the app never starts. So the checks a script makes
// before its final program count as the probe's own.

// waiters are programs that wait for an address and then run the rest of their command line.
var waiters = map[string]bool{"wait-for-it": true, "wait-for-it.sh": true, "wait-for": true, "dockerize": true, "wait4x": true}

// scriptNeeds returns the ports on the pod's own network that c's command checks before
// its final program starts: network clients in the statements of its script before the
// last one (and on the left of a final `&&`), or a waiter that wraps its program.
func scriptNeeds(c container) []portNeed {
	s := containerScript(c.node)
	if s == nil {
		values, _ := expandedCommand(c.node)
		if len(values) == 0 || !waiters[path.Base(values[0])] {
			return nil
		}
		words := values
		for i, w := range values {
			if w == "--" {
				words = values[:i]
				break
			}
		}
		var needs []portNeed
		for _, a := range checkAddressesNamed(strings.Join(words, " ")) {
			needs = append(needs, addressNeed("command "+path.Base(values[0]), commandWords(c.node)[0].Line, a))
		}
		return needs
	}
	if s.file == nil || len(s.file.Stmts) == 0 {
		return nil
	}
	var before []*syntax.Stmt
	stmts := s.file.Stmts
	before = append(before, stmts[:len(stmts)-1]...)
	for last := stmts[len(stmts)-1]; ; {
		b, ok := last.Cmd.(*syntax.BinaryCmd)
		if !ok || (b.Op != syntax.AndStmt && b.Op != syntax.OrStmt) {
			break
		}
		before, last = append(before, b.X), b.Y
	}
	needs := scriptFileNeeds(c, before, s)
	for _, st := range before {
		syntax.Walk(st, func(n syntax.Node) bool {
			call, ok := n.(*syntax.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			name := path.Base(call.Args[0].Lit())
			text := s.node.Value[call.Pos().Offset():call.End().Offset()]
			if !netClients[name] && !strings.Contains(text, "/dev/tcp/") && !strings.Contains(text, "/dev/udp/") {
				return true
			}
			for _, a := range checkAddressesNamed(text) {
				needs = append(needs, addressNeed("script's "+firstWord(text), scriptLine(s, call), a))
			}
			return true
		})
		for _, r := range redirsIn(st) {
			text := s.node.Value[r.Pos().Offset():r.End().Offset()]
			for _, a := range checkAddressesNamed(text) {
				needs = append(needs, addressNeed("script's redirection", scriptLine(s, r), a))
			}
		}
	}
	return needs
}

// redirsIn returns the redirections to /dev/tcp or /dev/udp in st.
func redirsIn(st *syntax.Stmt) []*syntax.Redirect {
	var out []*syntax.Redirect
	syntax.Walk(st, func(n syntax.Node) bool {
		if r, ok := n.(*syntax.Redirect); ok && r.Word != nil {
			if w := r.Word.Lit(); strings.HasPrefix(w, "/dev/tcp/") || strings.HasPrefix(w, "/dev/udp/") {
				out = append(out, r)
			}
		}
		return true
	})
	return out
}

func firstWord(text string) string {
	if f := strings.Fields(text); len(f) > 0 {
		return path.Base(f[0])
	}
	return text
}

// readinessAsStartup returns what c's readinessProbe would wait for as a startupProbe
// (--startup-probe from-readiness), with its script's checks.
func readinessAsStartup(c container) []portNeed {
	readiness := lookup(c.node, "readinessProbe")
	needs := append(startNeeds(c, readiness, "readinessProbe"), handlerFileNeeds(c, readiness, "readinessProbe")...)
	return append(needs, scriptNeeds(c)...)
}

// startWaits reports whether c's start is awaited: it has a startupProbe or a postStart
// hook, which the containers after it wait for.
func startWaits(c container) bool {
	return lookup(c.node, "startupProbe") != nil || lookupPath(c.node, "lifecycle", "postStart") != nil
}
