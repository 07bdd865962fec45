package migrate

import (
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Workaround containers: a container whose script exists to stop other containers (it waits
// for the app, then kills the proxy or calls its shutdown endpoint, and exits). As a native
// sidecar it would start before the app and be restarted after every exit, stopping the
// proxy each time, so it is never moved, whatever its name or image.
var ruleController = Rule{ID: "hack-stop-controller", Matches: "a container whose script waits for the app and then kills, signals or shuts down another container", Summary: "Never a sidecar. Deleted in a run-to-completion pod when every container it stops is native and it does nothing else; otherwise reported and the pod keeps its layout."}

// stopTarget is a container that a controller's statement stops.
type stopTarget struct {
	target container
	stmt   *unproven
}

// controlled returns the other containers of the pod that c's script stops with a
// terminating signal or a shutdown call, recognised as a workaround or not.
func controlled(spec *yaml.Node, c container) []stopTarget {
	var out []stopTarget
	for _, list := range []string{"initContainers", "containers"} {
		for _, n := range seqItems(lookup(spec, list)) {
			if n == c.node {
				continue
			}
			o := readContainer(n)
			if u := terminates(c, o); u != nil {
				out = append(out, stopTarget{o, u})
			}
		}
	}
	return out
}

// terminates returns the statement of c that ends o's process, or nil.
func terminates(c, o container) *unproven {
	s := containerScript(c.node)
	if s == nil {
		return nil
	}
	text := s.node.Value
	for _, m := range stopAnyURL.FindAllStringSubmatchIndex(text, -1) {
		if port := text[m[2]:m[3]]; listensOn(o, port) {
			return &unproven{firstLine(text[m[0]:m[1]]), s.node.Line, "calls its stop endpoint"}
		}
	}
	if s.file == nil {
		return nil
	}
	var found *unproven
	syntax.Walk(s.file, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || found != nil || len(call.Args) == 0 {
			return found == nil
		}
		name := path.Base(call.Args[0].Lit())
		if (name == "kill" || name == "pkill" || name == "killall") && terminating(killSignal(call)) && namesProcess(call, name, o) {
			found = &unproven{firstLine(text[call.Pos().Offset():call.End().Offset()]), scriptLine(s, call), "kills its process"}
		}
		return found == nil
	})
	return found
}

// namesProcess reports whether a kill, pkill or killall names one of o's processes (not a
// pid the tool cannot trace).
func namesProcess(call *syntax.CallExpr, name string, o container) bool {
	for _, a := range call.Args[1:] {
		w := wordText(a)
		if name == "kill" {
			w = pidLookup(a)
		}
		if w != "" && !strings.HasPrefix(w, "-") && runsProcess(o, w, true) {
			return true
		}
	}
	return false
}

// killSignal returns the signal a kill, pkill or killall sends, without its dash ("" for the
// default, TERM).
func killSignal(call *syntax.CallExpr) string {
	args := call.Args[1:]
	for i, a := range args {
		switch w := wordText(a); {
		case w == "-s" || w == "--signal":
			if i+1 < len(args) {
				return wordText(args[i+1])
			}
		case strings.HasPrefix(w, "--signal="):
			return strings.TrimPrefix(w, "--signal=")
		case strings.HasPrefix(w, "-") && len(w) > 1 && !strings.HasPrefix(w, "--") && w != "-f" && w != "-x":
			return w[1:]
		}
	}
	return ""
}

// controls reports whether c is a workaround container, and reports it: it is never moved.
func (m *migration) controls(t podTemplate, c container) bool {
	targets := controlled(t.spec, c)
	if len(targets) == 0 {
		return false
	}
	var names []string
	for _, s := range targets {
		names = append(names, s.target.name)
	}
	m.report(ruleController, Warning, t, c.node, c.name, "not moved: its script stops %s (%s), so it is a workaround, not a sidecar; a native sidecar starts before the app and is restarted after every exit", strings.Join(names, ", "), targets[0].stmt)
	return true
}

// deletable reports whether a workaround container may be deleted: not yet (reported only).
func deletable(t podTemplate, c container) bool { return false }
