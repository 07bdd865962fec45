package migrate

import (
	"fmt"
	"path"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Terminator containers: a container of the pod whose only job is to stop its proxy once
// the other containers have exited. linkerd-proxy-terminator reads the pod through the API,
// waits for every container but the proxy and itself, then POSTs the proxy's /shutdown on
// port 4191; when the proxy is not among spec.containers it sleeps forever. Once the proxy
// is native, the kubelet stops it, and the terminator would keep the Job from finishing:
// it goes, and the proxy may move only when it does.
var ruleTerminatorContainer = Rule{ID: "hack-terminator-container",
	Matches: "a linkerd-proxy-terminator container (image or name) in a run-to-completion pod",
	Summary: "Removed when the proxy it stops is native after the run (moved, or injected with the mesh's native-sidecar annotation); otherwise reported. Its proxy never moves while it stays: it would wait forever."}

// proxyTerminator is a terminator container and the container it stops.
type proxyTerminator struct {
	c      container
	target string
}

// proxyTerminators returns the terminator containers among cs: the image's repository is
// linkerd-proxy-terminator, or the container has that name and runs its image's entrypoint.
func proxyTerminators(cs []container) []proxyTerminator {
	var out []proxyTerminator
	for _, c := range cs {
		byImage := path.Base(repository(c.image)) == "linkerd-proxy-terminator"
		if !byImage && (c.name != "linkerd-proxy-terminator" || len(c.words) > 0) {
			continue
		}
		target := c.env["LINKERD_PROXY_NAME"]
		if target == "" {
			target = "linkerd-proxy"
		}
		out = append(out, proxyTerminator{c: c, target: target})
	}
	return out
}

// terminatorOf returns the terminator container that stops container name, or "".
func terminatorOf(t podTemplate, name string) string {
	var cs []container
	for _, n := range seqItems(lookup(t.spec, "containers")) {
		cs = append(cs, readContainer(n))
	}
	for _, pt := range proxyTerminators(cs) {
		if pt.target == name {
			return pt.c.name
		}
	}
	return ""
}

// terminatorContainers proposes to delete the terminator containers of a run-to-completion
// pod whose proxy is native after the run, and says why the others stay.
func terminatorContainers(m *migration, p *pod) []Proposal {
	t := p.t
	if m.opts.KeepHacks || !t.runToCompletion {
		return nil
	}
	var out []Proposal
	for _, pt := range proxyTerminators(p.apps) {
		native, shown := false, false
		for _, c := range p.all {
			shown = shown || c.name == pt.target
		}
		for _, c := range p.natives {
			native = native || c.name == pt.target
		}
		if !shown {
			native = meshNativeOn(t, "linkerd")
		}
		switch {
		case !native && shown:
			m.report(ruleTerminatorContainer, Warning, t, pt.c.node, pt.c.name, "stays: it stops %s, which stays a legacy sidecar; once %s is native the terminator must go with it, or the Job never finishes", pt.target, pt.target)
		case !native:
			m.report(ruleTerminatorContainer, Warning, t, pt.c.node, pt.c.name, "stays: it stops %s, which Linkerd injects at admission as a legacy sidecar; --mesh-native linkerd adds the native-sidecar annotation, and this container then goes (a native proxy left with it would keep the Job from finishing)", pt.target)
		default:
			out = append(out, Proposal{Rule: ruleTerminatorContainer, Container: pt.c.name, Line: pt.c.node.Line, Column: pt.c.node.Column,
				Message: fmt.Sprintf("removed: it stopped %s once the other containers had exited, and the kubelet does that for a native sidecar (with %s outside containers it would wait forever); the permission to read pods that it needed (its service account's role) may go too, if nothing else uses it", pt.target, pt.target),
				Edits:   []Edit{{Path: inContainer(pt.c.name), Op: OpDelete}}, Releases: Releases{Containers: []string{pt.target}}, Workarounds: 1})
		}
	}
	return out
}

// terminatorRemovals adds to allowed the terminator containers of template in whose proxy
// is native on the written tree: by name among its native sidecars, or, when in does not
// show it, injected with Linkerd's native-sidecar annotation on (out). For the final check.
func terminatorRemovals(in, out podTemplate, native func(string) bool, allowed map[string]bool) {
	var cs []container
	for _, n := range seqItems(lookup(in.spec, "containers")) {
		cs = append(cs, readContainer(n))
	}
	for _, pt := range proxyTerminators(cs) {
		shown := false
		for _, n := range containerNodes(in.spec) {
			shown = shown || scalar(n, "name") == pt.target
		}
		if native(pt.target) || !shown && meshNativeOn(out, "linkerd") {
			allowed[pt.c.name] = true
		}
	}
}

// DeletesContainer reports whether a fixed finding of the rule deletes its container: a
// workaround container, a terminator container, or the init container that installed a
// wrapper.
func DeletesContainer(rule string) bool {
	return rule == ruleController.ID || rule == ruleTerminatorContainer.ID || rule == ruleWrapperInstaller.ID
}

// provenNative is the lifetime gate (proveLifetime) with the terminator containers of the
// final tree: a container that one still stops is not proven, whatever kept the terminator
// (a reference by name to it, a conflict), since the terminator would wait for it forever.
func provenNative(spec *yaml.Node, meta []*yaml.Node, c *yaml.Node) *unproven {
	if u := proveLifetime(spec, meta, c); u != nil {
		return u
	}
	var cs []container
	for _, n := range seqItems(lookup(spec, "containers")) {
		cs = append(cs, readContainer(n))
	}
	for _, pt := range proxyTerminators(cs) {
		if pt.target == scalar(c, "name") {
			return &unproven{"container " + pt.c.name, pt.c.node.Line, "stops it once the other containers have exited, and stays; remove it with what keeps it"}
		}
	}
	return nil
}
