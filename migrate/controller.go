package migrate

import (
	"path"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
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
	if call, _ := stopEndpointCall(s, o); call != "" {
		return &unproven{call, s.node.Line, "calls its stop endpoint"}
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
		w := shell.WordText(a)
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
		switch w := shell.WordText(a); {
		case w == "-s" || w == "--signal":
			if i+1 < len(args) {
				return shell.WordText(args[i+1])
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
	if m.controllers == nil {
		m.controllers = map[*yaml.Node]bool{}
	}
	m.controllers[c.node] = true
	if !t.runToCompletion { // in a run-to-completion pod, deleteControllers reports it
		m.report(ruleController, Warning, t, c.node, c.name, "not moved: its script stops %s (%s), so it is a workaround, not a sidecar; a native sidecar starts before the app and is restarted after every exit", targetNames(targets), targets[0].stmt)
	}
	return true
}

// deletable returns "" when a workaround container may be deleted: the pod runs to
// completion, every container it stops is native (native tells by name), and its script does
// nothing but wait and stop them; otherwise why it stays.
func deletable(t podTemplate, c container, native func(string) bool) string {
	targets := controlled(t.spec, c)
	if !t.runToCompletion || len(targets) == 0 {
		return "-"
	}
	s := containerScript(c.node)
	if s == nil || s.file == nil {
		return "its script cannot be read"
	}
	for _, st := range s.file.Stmts {
		if !waitOrStop(st, targets) {
			return "its script also runs " + firstLine(shell.Print(st))
		}
	}
	for _, s := range targets {
		if !native(s.target.name) {
			return "container " + s.target.name + ", which it stops, is not a native sidecar after the migration"
		}
	}
	return ""
}

// waitOrStop reports whether a statement of a workaround container only waits (a loop that
// sleeps), prints, exits, or stops one of its targets exactly.
func waitOrStop(st *syntax.Stmt, targets []stopTarget) bool {
	if st.Background {
		return false
	}
	if loop, ok := st.Cmd.(*syntax.WhileClause); ok {
		for _, b := range loop.Do {
			if _, name := shell.CallName(b); b.Background || (name != "sleep" && name != "echo" && name != "printf" && !isTrue(b)) {
				return false
			}
		}
		return true
	}
	ok := true
	syntax.Walk(st, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.BinaryCmd:
			ok = ok && (n.Op == syntax.AndStmt || n.Op == syntax.OrStmt)
		case *syntax.CallExpr:
			if len(n.Args) == 0 {
				ok = false
				break
			}
			switch name := path.Base(n.Args[0].Lit()); name {
			case "exit", "echo", "printf", "sleep", "true", ":", "set":
			case "kill", "pkill", "killall":
				ok = ok && terminating(killSignal(n)) && namesAny(n, name, targets)
			case "curl", "wget":
				port, miss := shutdownCall(n, name)
				ok = ok && miss == "" && servesAny(port, targets)
			default:
				ok = false
			}
			return false
		case nil, *syntax.Stmt, *syntax.Word, *syntax.Lit, *syntax.SglQuoted, *syntax.DblQuoted, *syntax.Redirect:
		default:
			ok = false
		}
		return ok
	})
	return ok
}

func namesAny(call *syntax.CallExpr, name string, targets []stopTarget) bool {
	for _, s := range targets {
		if namesProcess(call, name, s.target) {
			return true
		}
	}
	return false
}

func servesAny(port string, targets []stopTarget) bool {
	for _, s := range targets {
		if listensOn(s.target, port) {
			return true
		}
	}
	return false
}

// controllers proposes to delete the workaround containers of a run-to-completion pod that
// deletable allows, and reports the others, whose statements stay; it narrows p.apps to the
// containers whose app-side workarounds may go.
func controllers(m *migration, p *pod) []Proposal {
	if m.opts.KeepHacks {
		return nil
	}
	t := p.t
	native := func(name string) bool {
		for _, c := range p.natives {
			if c.name == name {
				return true
			}
		}
		return false
	}
	var kept []container
	var out []Proposal
	for _, c := range p.apps {
		why := deletable(t, c, native)
		switch {
		case why == "-":
		case why != "" && !m.controllers[c.node]:
			// an app that stops its sidecar: the stops family deals with its statements
		case why != "":
			targets := controlled(t.spec, c)
			m.report(ruleController, Warning, t, c.node, c.name, "left as it is: its script stops %s (%s), so it is a workaround, not a sidecar, and it is not deleted: %s", targets[0].target.name, targets[0].stmt, why)
			continue // its statements stay too, and the gate keeps what it stops in containers
		default:
			targets := controlled(t.spec, c)
			var names []string
			for _, s := range targets {
				names = append(names, s.target.name)
			}
			out = append(out, Proposal{Rule: ruleController, Container: c.name, Line: c.node.Line, Column: c.node.Column,
				Message:     "deleted: it only waited for the app and stopped " + targetNames(targets) + ", which the kubelet now stops once the app has exited",
				Edits:       []Edit{{Path: inContainer(c.name), Op: OpDelete}},
				Releases:    Releases{Containers: names, ProcessNamespace: boolField(t.spec, "shareProcessNamespace")},
				Workarounds: 1})
			continue
		}
		kept = append(kept, c)
	}
	p.apps = kept
	return out
}

func targetNames(targets []stopTarget) string {
	var out []string
	for _, s := range targets {
		out = append(out, s.target.name)
	}
	return strings.Join(out, ", ")
}
