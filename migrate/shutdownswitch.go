package migrate

import (
	"fmt"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Shutdown endpoints opened only for the workaround. Linkerd's proxy serves /shutdown on its
// admin port only when LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED is "true", which its
// injector sets from the config.linkerd.io/proxy-admin-shutdown: enabled annotation (off by
// default since 2.16: the endpoint lets whoever reaches it stop the proxy). Once this run
// removed every caller and the proxy is native, the switch is an open door that serves
// nothing, and it goes. Envoy's admin interface, whose /quitquitquit the app called, is set
// in Envoy's bootstrap, not in the pod: it is reported, never edited.
var (
	ruleShutdownSwitch = Rule{ID: "hack-shutdown-endpoint-switch",
		Matches: "Linkerd's config.linkerd.io/proxy-admin-shutdown: enabled or LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED on a native proxy, and an Envoy admin port, in a run-to-completion pod",
		Summary: "Linkerd's switch is removed when this run removed every call to the proxy's /shutdown and the proxy is native after it; kept with an info finding when no caller is seen. An Envoy admin port whose only caller went is reported: its listener is in Envoy's bootstrap, outside the pod."}
	_ = rule.Register(rule.Workaround, ruleShutdownSwitch)
)

const (
	linkerdShutdownKey = "config.linkerd.io/proxy-admin-shutdown"
	linkerdShutdownEnv = "LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED"
)

// linkerdCallers counts the containers of a pod that call Linkerd's /shutdown: a request to
// port 4191's /shutdown, or linkerd-await --shutdown, anywhere in the container.
func linkerdCallers(spec *yaml.Node) int {
	n := 0
	for _, c := range containerNodes(spec) {
		calls, await, shutdownFlag := false, false, false
		walkScalars(c, func(s *yaml.Node) {
			v := s.Value
			calls = calls || strings.Contains(v, ":4191/shutdown")
			await = await || strings.Contains(v, "linkerd-await")
			shutdownFlag = shutdownFlag || strings.Contains(v, "--shutdown")
		})
		if calls || await && shutdownFlag {
			n++
		}
	}
	return n
}

// shutdownSwitches proposes to remove Linkerd's shutdown switch once its callers are gone,
// and reports an Envoy admin port whose callers are gone.
func shutdownSwitches(m *migration, p *pod) []Proposal {
	t := p.t
	if m.opts.KeepHacks || !t.runToCompletion {
		return nil
	}
	m.envoyAdminLeft(p)
	edits, at := linkerdSwitchEdits(p)
	if len(edits) == 0 {
		return nil
	}
	native := meshNativeOn(t, "linkerd")
	shown := false
	for _, c := range p.all {
		if isLinkerdProxy(c) {
			shown = true
			native = containsNode(p.natives, c.node)
		}
	}
	before, after := m.linkerdCallers, linkerdCallers(t.spec)
	switch {
	case !native || after > 0:
		return nil // the proxy still stops by hand, and the switch serves it
	case before == 0:
		m.report(ruleShutdownSwitch, Info, t, at, "", "the Linkerd proxy's /shutdown endpoint stays enabled: no container here calls it, but a caller may be hidden (an image's entrypoint); remove %s if nothing calls it, since the endpoint lets any local caller stop the proxy", switchName(shown))
		return nil
	}
	return []Proposal{{Rule: ruleShutdownSwitch, Line: at.Line, Column: at.Column,
		Message: fmt.Sprintf("%s removed: this run removed every call to the Linkerd proxy's /shutdown, the kubelet stops the native proxy, and the endpoint would only let a local caller stop it", switchName(shown)),
		Edits:   edits, Workarounds: 1}}
}

func switchName(shown bool) string {
	if shown {
		return linkerdShutdownEnv
	}
	return linkerdShutdownKey
}

// linkerdSwitchEdits deletes the annotation that enables the shutdown endpoint and, on a
// proxy the manifest shows, the env var set to "true"; at is where the finding points.
func linkerdSwitchEdits(p *pod) (edits []Edit, at *yaml.Node) {
	for i, md := range p.t.metadata {
		v := lookup(lookup(md, "annotations"), linkerdShutdownKey)
		if v != nil && v.Kind == yaml.ScalarNode && v.Value == "enabled" {
			edits = append(edits, Edit{Path: Path{Holder: i + 1, Steps: []Step{key("metadata"), key("annotations"), key(linkerdShutdownKey)}}, Op: OpDelete, Prune: true})
			at = v
		}
	}
	for _, c := range p.all {
		if !isLinkerdProxy(c) {
			continue
		}
		for _, e := range seqItems(lookup(c.node, "env")) {
			if scalar(e, "name") == linkerdShutdownEnv && scalar(e, "value") == "true" && lookup(e, "valueFrom") == nil {
				edits = append(edits, envEdits(c, func(n string) bool { return n == linkerdShutdownEnv })...)
				at = e
			}
		}
	}
	return edits, at
}

// envoyAdminLeft reports the admin port of a native Envoy whose /quitquitquit callers this
// run removed: the listener is declared in Envoy's bootstrap, which also serves /ready and
// /stats from it, so it stays; the finding says where to close it if nothing else uses it.
func (m *migration) envoyAdminLeft(p *pod) {
	if m.quitCallers == 0 || quitCallers(p.t.spec) > 0 {
		return
	}
	for _, c := range p.natives {
		if !isEnvoy(c) {
			continue
		}
		for _, port := range seqItems(lookup(c.node, "ports")) {
			n, name := scalar(port, "containerPort"), scalar(port, "name")
			if strings.Contains(name, "admin") || n == "9901" || n == "15000" {
				m.report(ruleShutdownSwitch, Info, p.t, port, c.name, "admin port %s stays: this run removed every call to its /quitquitquit, but Envoy's admin listener is set in its bootstrap configuration, not in the pod, and may serve /ready, /stats or a scraper; close it there if only the shutdown call used it", n)
			}
		}
	}
}

// isEnvoy reports whether a container runs Envoy itself (not Istio's proxy, whose admin
// port is the mesh's).
func isEnvoy(c container) bool {
	repo := repository(c.image)
	return matchRepo(repo, "envoyproxy/envoy") || strings.HasSuffix(repo, "/envoy") || repo == "envoy"
}
