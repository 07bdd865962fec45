package migrate

import (
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Other ways Jobs stopped their sidecars: OpenKruise's sidecar terminator, which reads env
// vars on the sidecar, and linkerd-await --shutdown wrapping the app's command.
var (
	ruleKruise       = Rule{ID: "behaviour-kruise-terminator", Confidence: High, Evidence: true, Matches: "env KRUISE_TERMINATE_SIDECAR_WHEN_JOB_EXIT or ..._WITH_IMAGE", Summary: "OpenKruise stops this container when the Job's app exits: it is a sidecar."}
	ruleKruiseEnv    = Rule{ID: "hack-kruise-terminator", Matches: "OpenKruise's KRUISE_TERMINATE_SIDECAR_WHEN_JOB_EXIT* env vars on a moved sidecar", Summary: "Native sidecars are stopped by the kubelet; the terminator's switch goes."}
	ruleLinkerdAwait = Rule{ID: "hack-linkerd-await-shutdown", Matches: "linkerd-await --shutdown wrapping the app's command", Summary: "--shutdown stopped the proxy after the app; a native proxy is stopped by the kubelet, so the flag goes (the await stays)."}
	terminatorRules  = []Rule{ruleKruise, ruleKruiseEnv, ruleLinkerdAwait}
)

func isKruiseEnv(name string) bool {
	return strings.HasPrefix(name, "KRUISE_TERMINATE_SIDECAR_WHEN_JOB_EXIT")
}

func hasKruiseEnv(c container) bool {
	for name := range c.env {
		if isKruiseEnv(name) {
			return true
		}
	}
	return false
}

// removeKruiseEnv drops the terminator's env vars from the moved sidecars.
func (m *migration) removeKruiseEnv(t podTemplate, moving []container) {
	for _, c := range moving {
		if !hasKruiseEnv(c) || !m.fix(ruleKruiseEnv, t, c.node, c.name, "OpenKruise's sidecar terminator env removed: the kubelet stops native sidecars after the app") {
			continue
		}
		removeEnv(c.node, isKruiseEnv)
		m.workarounds++
	}
}

// removeLinkerdAwaitShutdown drops --shutdown from `linkerd-await --shutdown -- CMD` in the
// apps' commands (as a list or in a script), once the Linkerd proxy is native.
func (m *migration) removeLinkerdAwaitShutdown(t podTemplate, containers, natives []container) {
	if !anyMatch(natives, shutdownTargets["4191"]) {
		return
	}
	for _, c := range containers {
		if seq := lookup(c.node, "command"); seq != nil && seq.Kind == yaml.SequenceNode && len(seq.Content) > 1 &&
			path.Base(seq.Content[0].Value) == "linkerd-await" {
			for _, w := range seq.Content[1:] {
				if w.Value == "--" {
					break
				}
				if w.Value == "--shutdown" && m.fix(ruleLinkerdAwait, t, c.node, c.name, "--shutdown removed from linkerd-await: the kubelet stops the native proxy after the app") {
					seq.Content = removeNode(seq.Content, w)
					m.workarounds++
					break
				}
			}
			continue
		}
		s := containerScript(c.node)
		if s == nil || s.file == nil || !strings.Contains(s.node.Value, "--shutdown") {
			continue
		}
		var cuts []cut
		replaced := map[*syntax.Stmt]string{}
		for _, st := range s.file.Stmts {
			call := leadingCall(st)
			if call == nil || path.Base(call.Args[0].Lit()) != "linkerd-await" {
				continue
			}
			for i, w := range call.Args[1:] {
				if w.Lit() == "--" {
					break
				}
				if w.Lit() == "--shutdown" {
					cuts = append(cuts, cut{from: int(w.Pos().Offset()), to: int(call.Args[i+2].Pos().Offset())})
					args := call.Args
					call.Args = append(append([]*syntax.Word{}, args[:i+1]...), args[i+2:]...)
					replaced[st] = printNode(st)
					call.Args = args
					break
				}
			}
		}
		if len(cuts) == 0 {
			continue
		}
		out, err := applyCuts(s.node.Value, s.file, cuts, replaced)
		if err != nil {
			m.report(ruleHackKept, Warning, t, s.node, c.name, "linkerd-await --shutdown is left as it is: %v", err)
			continue
		}
		if m.fix(ruleLinkerdAwait, t, s.node, c.name, "--shutdown removed from linkerd-await: the kubelet stops the native proxy after the app") {
			s.node.Value = out
			m.workarounds++
		}
	}
}
