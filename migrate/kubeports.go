package migrate

import (
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
)

// Ports of init containers that older Kubernetes releases do not see: the scheduler's
// NodePorts filter ignored the host ports of native sidecars before 1.34 (kubernetes#132037,
// fixed by #132040 and in a later 1.33 patch release), and a Service's targetPort that
// names a port resolved only against regular containers before 1.32 (kubernetes#127958,
// fixed by #127976). A Service lives in another document, so every named port of a moved
// container is reported.

var (
	ruleHostPort  = Rule{ID: "sidecar-host-port", Matches: "a target below Kubernetes 1.34 (the default 1.33 included) and a moved sidecar with a hostPort (or any port, with hostNetwork)", Summary: "Before Kubernetes 1.34 the scheduler ignores native sidecars' host ports (kubernetes#132037): two pods that need the same host port may land on one node."}
	ruleNamedPort = Rule{ID: "sidecar-named-port", Matches: "--kube-version below 1.32 and a moved sidecar with a named port (a Service elsewhere may target it)", Summary: "Before Kubernetes 1.32 a Service targetPort naming an init container's port does not resolve (kubernetes#127958): the Service would lose its endpoints for that port."}
	_             = rule.Register(rule.Check, ruleHostPort, ruleNamedPort)
)

// portsBeforeFixes reports the ports of moved container c that the target Kubernetes
// release does not see on a native sidecar.
func (m *migration) portsBeforeFixes(t podTemplate, c container) {
	minor := kubeMinor(m.opts.KubeVersion)
	var host, named []string
	hostNetwork := boolField(t.spec, "hostNetwork")
	for _, p := range seqItems(lookup(c.node, "ports")) {
		number := scalar(p, "containerPort")
		if hp := scalar(p, "hostPort"); hp != "" && hp != "0" {
			host = append(host, hp)
		} else if hostNetwork && number != "" {
			host = append(host, number)
		}
		if name := scalar(p, "name"); name != "" {
			named = append(named, name+" ("+number+")")
		}
	}
	if minor < 34 && len(host) > 0 {
		m.report(ruleHostPort, Warning, t, c.node, c.name, "its host port %s: before Kubernetes 1.34 (the target is %s) the scheduler does not count the host ports of native sidecars (kubernetes#132037; fixed in 1.34 and in later 1.33 patch releases), so two such pods may be placed on one node and one fails to start; keep it in containers (%s) where clusters run older releases", strings.Join(host, ", "), kubeVersionOrDefault(m.opts.KubeVersion), AnnotationKeep)
	}
	if minor < 32 && len(named) > 0 {
		m.report(ruleNamedPort, Warning, t, c.node, c.name, "its named port %s: before Kubernetes 1.32 (the target is %s) a Service targetPort that names a port of a native sidecar does not resolve (kubernetes#127958), and the Service gets no endpoints for it; a Service in another document may name it: use the number there, or keep it in containers (%s)", strings.Join(named, ", "), kubeVersionOrDefault(m.opts.KubeVersion), AnnotationKeep)
	}
}

func kubeVersionOrDefault(v string) string {
	if v == "" {
		return DefaultKubeVersion
	}
	return v
}
