package migrate

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Proxies injected at admission by a mesh that cannot make them native from the pod: the
// manifest never shows them, so an app's call that stops one stays (the proxy stays a legacy
// sidecar and the Job would never finish without it), and a warning names the injector and
// the issue to follow, or the mesh's cluster-wide switch (Kuma's control plane option).
// Istio and Linkerd have a switch on the pod (--mesh-native); see hacks_stop_edit.go.

// injector is a mesh whose proxy is injected when a pod template opts in by annotation (or,
// with label, by a label of the same key).
type injector struct {
	name, annotation, value string
	values                  []string        // other values that opt in
	label                   bool            // the key may be a label too
	url                     *regexp.Regexp  // a request that stops the injected proxy
	processes               map[string]bool // process names a kill of the proxy names
	upstream                string          // the issue to follow for native sidecars
	// stays says why the call stays, when it is not that the mesh cannot inject a native
	// sidecar yet.
	stays string
}

var injectors = []injector{
	{name: "Dapr", annotation: "dapr.io/enabled", value: "true",
		url:      regexp.MustCompile(`^(https?://)?(localhost|127\.0\.0\.1|\[::1\]):(3500|\$\{?DAPR_HTTP_PORT\}?)/v1\.0/shutdown/?$`),
		upstream: "https://github.com/dapr/dapr/issues/9422"},
	{name: "Consul", annotation: "consul.hashicorp.com/connect-inject", value: "true",
		url:       regexp.MustCompile(`^(https?://)?(localhost|127\.0\.0\.1|\[::1\]):(20600/graceful_shutdown|19000/quitquitquit)/?$`),
		processes: map[string]bool{"envoy": true, "consul-dataplane": true},
		upstream:  "https://github.com/hashicorp/consul-k8s/issues/3919"},
	{name: "Kuma", annotation: "kuma.io/sidecar-injection", value: "enabled", values: []string{"true"}, label: true,
		url:       regexp.MustCompile(`^(https?://)?(localhost|127\.0\.0\.1|\[::1\]):9901/quitquitquit/?$`),
		processes: map[string]bool{"envoy": true, "kuma-dp": true},
		stays:     "Kuma injects it as a native sidecar only when its control plane runs with experimental.sidecarContainers (KUMA_EXPERIMENTAL_SIDECAR_CONTAINERS=true), which this manifest cannot show; once it does, remove the call"},
	{name: "Open Service Mesh", annotation: "openservicemesh.io/sidecar-injection", value: "enabled", values: []string{"true"}, label: true,
		url:       regexp.MustCompile(`^(https?://)?(localhost|127\.0\.0\.1|\[::1\]):15000/quitquitquit/?$`),
		processes: map[string]bool{"envoy": true},
		stays:     "Open Service Mesh cannot inject its proxy as a native sidecar, and no switch will come (the project is archived); a mesh with native sidecars would let the call go"},
}

// on reports whether pod template t opts in to the injector, and with which key and value.
func (inj injector) on(t podTemplate) (string, bool) {
	ok := func(v string) bool { return v == inj.value || slices.Contains(inj.values, v) }
	if v, _ := t.annotation(inj.annotation); ok(v) {
		return v, true
	}
	if inj.label {
		for _, md := range t.metadata {
			if v := scalar(lookup(md, "labels"), inj.annotation); ok(v) {
				return v, true
			}
		}
	}
	return "", false
}

// injectedMesh reports whether a mesh of injectors (not Istio or Linkerd) injects its proxy
// into pod template t.
func injectedMesh(t podTemplate) bool {
	for _, inj := range injectors {
		if _, on := inj.on(t); on {
			return true
		}
	}
	return false
}

// why says why a call that stops the injector's proxy stays.
func (inj injector) why() string {
	if inj.stays != "" {
		return inj.stays
	}
	return fmt.Sprintf("%s cannot inject its proxy as a native sidecar yet (follow %s); without the call the Job would never finish", inj.name, inj.upstream)
}

// reportInjectedStops warns about every statement of the apps that stops a proxy injected by
// a mesh without native sidecars: it stays, and the warning says why and what to follow.
func (m *migration) reportInjectedStops(t podTemplate, apps []container) {
	if !t.runToCompletion {
		return
	}
	for _, inj := range injectors {
		v, on := inj.on(t)
		if !on {
			continue
		}
		for _, c := range apps {
			s := containerScript(c.node)
			if s == nil || s.file == nil {
				continue
			}
			for _, st := range s.file.Stmts {
				for _, call := range stopCalls(s.node.Value, st, inj) {
					m.report(ruleHackKept, Warning, t, s.node, c.name,
						"%q (line %d) stops the %s proxy that %s: %q injects at admission; it stays, because %s",
						firstLine(printNode(call)), scriptLine(s, st), inj.name, inj.annotation, v, inj.why())
				}
			}
		}
	}
}

// stopCalls returns the commands of a top-level statement that stop the injector's proxy,
// looking into the handler of an EXIT trap too.
func stopCalls(text string, st *syntax.Stmt, inj injector) []*syntax.CallExpr {
	var calls []*syntax.CallExpr
	walk := func(n syntax.Node) {
		syntax.Walk(n, func(n syntax.Node) bool {
			if call, ok := n.(*syntax.CallExpr); ok && inj.stops(call) {
				calls = append(calls, call)
			}
			return true
		})
	}
	walk(st)
	if handler := trapHandler(text, st); handler != "" {
		if f, err := parseShell(handler); err == nil {
			walk(f)
		}
	}
	return calls
}

// stops reports whether a command stops the injector's proxy: a curl or wget of its
// shutdown URL, or a kill of its process by name.
func (inj injector) stops(call *syntax.CallExpr) bool {
	if len(call.Args) == 0 {
		return false
	}
	switch path.Base(call.Args[0].Lit()) {
	case "curl", "wget":
		for _, a := range call.Args[1:] {
			// printed, not wordText: the port is often ${DAPR_HTTP_PORT}
			if inj.url.MatchString(strings.Trim(printNode(a), `"'`)) {
				return true
			}
		}
	case "pkill", "killall":
		for _, a := range call.Args[1:] {
			if inj.processes[wordText(a)] {
				return true
			}
		}
	}
	return false
}
