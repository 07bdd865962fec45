package migrate

import (
	"net/netip"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A check may reach the pod by a name rather than by an address: the kubelet writes the pod's
// /etc/hosts with its spec.hostname (and hostname.subdomain...) on the pod's own address, and
// every spec.hostAliases entry on its ip. A name of those that is the pod (a hostAlias on
// 127.0.0.1, ::1 or 0.0.0.0, or the hostname) reaches the app's ports as localhost does.
// Out of reach of a document: a Service's name whose endpoints are this pod, and a bare
// Pod's or a StatefulSet's pod name as its hostname without spec.hostname.

// selfNames are the names a pod spec resolves to the pod itself, lower case, each with the
// field that makes it so; domain is its hostname.subdomain, whose longer forms
// (hostname.subdomain.NAMESPACE.svc.cluster.local) are the pod too.
type selfNames struct {
	names  map[string]string
	domain string
}

// podSelfNames returns the names that the pod spec resolves to the pod itself.
func podSelfNames(spec *yaml.Node) selfNames {
	names := map[string]string{}
	var domain string
	for _, a := range seqItems(lookup(spec, "hostAliases")) {
		ip, err := netip.ParseAddr(scalar(a, "ip"))
		if err != nil || !ip.Unmap().IsLoopback() && !ip.Unmap().IsUnspecified() {
			continue
		}
		for _, h := range seqItems(lookup(a, "hostnames")) {
			names[hostKey(h.Value)] = "which spec.hostAliases points at " + ip.String() + ", the pod itself"
		}
	}
	if h := hostKey(scalar(spec, "hostname")); h != "" {
		names[h] = "the pod's own spec.hostname"
		if sub := hostKey(scalar(spec, "subdomain")); sub != "" {
			domain = h + "." + sub
			names[domain] = "the pod's own spec.hostname and spec.subdomain"
		}
	}
	return selfNames{names: names, domain: domain}
}

// hostKey is a host name as names compare: lower case, without a final dot.
func hostKey(h string) string { return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".") }

// selfName returns why host is one of the pod's own names, or "": one of names, or a longer
// name of the pod's hostname.subdomain (hostname.subdomain.NAMESPACE.svc.cluster.local).
func selfName(host string, self selfNames) string {
	h := hostKey(host)
	if why, ok := self.names[h]; ok {
		return why
	}
	if self.domain != "" && strings.HasPrefix(h, self.domain+".") {
		return self.names[self.domain]
	}
	return ""
}

// isHostName reports whether host is written as a DNS name, not as an address.
func isHostName(host string) bool {
	h := strings.Trim(host, "[]")
	if _, err := netip.ParseAddr(h); err == nil || h == "" {
		return false
	}
	return !numericHost(h)
}

// addressNeed is the need of a check that reaches address a.
func addressNeed(what string, line int, a address) portNeed {
	n := portNeed{what: what, line: line, port: a.port, unread: a.unread}
	if a.byName {
		n.host = a.host
	}
	return n
}

// onPod returns the needs on the pod's own network: those reaching a name only when the
// name is one of the pod's own (names), which the need then says.
func onPod(needs []portNeed, names selfNames) []portNeed {
	var out []portNeed
	for _, n := range needs {
		if n.host != "" {
			why := selfName(n.host, names)
			if why == "" {
				continue
			}
			n.host += ", " + why
		}
		out = append(out, n)
	}
	return out
}
