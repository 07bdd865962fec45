package migrate

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A wait loop polled its sidecar until it answered; the native sidecar's startupProbe makes
// the loop unnecessary only when it checks what the loop checked: an http poll by an httpGet
// of the same port and path, a bare connection (nc -z) by a tcpSocket of the same port or an
// httpGet on it (which connects too). A port opens before its server answers on a path, and
// an exec probe may check anything.

// probeChecks reports whether c's startupProbe checks what the wait loop h checked.
func probeChecks(c container, h hit) bool {
	probe := lookup(c.node, "startupProbe")
	if get := lookup(probe, "httpGet"); get != nil {
		port, path := probePort(c, scalar(get, "port")), normalPath(scalar(get, "path"))
		switch {
		case port == h.port:
			return !h.http || path == normalPath(h.path)
		case !h.http && knownReadiness(c, port, path):
			return true // a known sidecar is ready only once it listens on its ports
		}
	}
	if tcp := lookup(probe, "tcpSocket"); tcp != nil && !h.http {
		return probePort(c, scalar(tcp, "port")) == h.port
	}
	return false
}

// probePort returns the number of a probe's port, a named port resolved through the
// container's ports.
func probePort(c container, port string) string {
	for _, cp := range seqItems(lookup(c.node, "ports")) {
		if port != "" && scalar(cp, "name") == port {
			return scalar(cp, "containerPort")
		}
	}
	return port
}

func normalPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// knownReadiness reports whether port and path are the readiness endpoint of c's kind
// (Istio's /healthz/ready on 15021, the Cloud SQL proxy's /startup on 9090...).
func knownReadiness(c container, port, path string) bool {
	if f := knownPorts[port]; f != nil && f(c) {
		for _, p := range knownReady[port] {
			if p == path {
				return true
			}
		}
	}
	return false
}

// waitTarget says what a wait loop waited for.
func waitTarget(h hit) string {
	if h.http {
		return fmt.Sprintf("http://localhost:%s%s answers", h.port, h.path)
	}
	return "port " + h.port + " accepts connections"
}

// wantedProbe is the startupProbe that would check what the loop checked.
func wantedProbe(h hit) string {
	if h.http {
		return fmt.Sprintf("httpGet {path: %s, port: %s}", normalPath(h.path), h.port)
	}
	return fmt.Sprintf("tcpSocket {port: %s}", h.port)
}

// probeSummary says what a probe checks, in a few words.
func probeSummary(probe *yaml.Node) string {
	switch {
	case lookup(probe, "httpGet") != nil:
		get := lookup(probe, "httpGet")
		return fmt.Sprintf("httpGet %s on port %s", normalPath(scalar(get, "path")), scalar(get, "port"))
	case lookup(probe, "tcpSocket") != nil:
		return "tcpSocket on port " + scalar(lookup(probe, "tcpSocket"), "port")
	case lookup(probe, "exec") != nil:
		var words []string
		for _, w := range seqItems(lookupPath(probe, "exec", "command")) {
			words = append(words, w.Value)
		}
		return "exec " + strings.Join(words, " ")
	case lookup(probe, "grpc") != nil:
		return "grpc on port " + scalar(lookup(probe, "grpc"), "port")
	}
	return "no handler this tool reads"
}
