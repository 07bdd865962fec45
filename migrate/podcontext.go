package migrate

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Pod context: what the other containers of a pod say about one of them. A proxy image
// (envoy, nginx, haproxy) is usually the app; beside a container that is plainly the app,
// and forwarding to it or configured from a ConfigMap, it is the app's sidecar.

var (
	ruleContextProxy     = Rule{ID: "context-proxy-beside-app", Confidence: Medium, Matches: "a proxy image (envoy, nginx, haproxy, *-proxy) beside a plain app container, forwarding to the app's port, or configured from a ConfigMap beside a single app that serves a port", Summary: "The pod plainly has its app, and the proxy's own traits say it serves that app."}
	ruleLooksLikeSidecar = Rule{ID: "sidecar-like-not-moved", Matches: "a container whose image or name looks like a sidecar's, that no rule moves", Summary: "Said so that a sidecar the catalogue misses is not missed silently."}
)

// podContext is what the pod being migrated says about its containers.
type podContext struct {
	workload         string
	defaultContainer string
	containers       []container
	configMaps       map[string]bool // names of the pod's volumes that are ConfigMaps
}

func newPodContext(t podTemplate, containers []container) podContext {
	p := podContext{workload: t.resource.Name, containers: containers, configMaps: map[string]bool{}}
	p.defaultContainer, _ = t.annotation(defaultContainerKey)
	if vols := lookup(t.spec, "volumes"); vols != nil && vols.Kind == yaml.SequenceNode {
		for _, v := range vols.Content {
			if lookup(v, "configMap") != nil {
				p.configMaps[scalar(v, "name")] = true
			}
		}
	}
	return p
}

// appNamed reports whether a container carries the workload's own name, by its name or its
// image's software name: "redis-exporter" in Deployment "redis-exporter" (or a Helm
// release's "prod-redis-exporter") is that workload's app.
func (p podContext) appNamed(c container) bool {
	if p.workload == "" {
		return false
	}
	w := strings.ReplaceAll(p.workload, "_", "-")
	for _, n := range []string{c.name, software(c.image)} {
		if n != "" && (w == n || strings.HasSuffix(w, "-"+n) || strings.HasPrefix(w, n+"-")) {
			return true
		}
	}
	return c.name == p.defaultContainer
}

// besideApp reports whether c, which a besideApp catalogue entry matches, sits beside a
// container that is plainly the app: one that no image or name entry stronger than Low
// matches. It is never the container named like the workload.
func (m *migration) besideApp(c container) bool {
	if m.pod.appNamed(c) {
		return false
	}
	for _, a := range m.pod.containers {
		if a.node != c.node && a.image != "" && a.oneShot() == "" && !m.catalogue.vouches(a) {
			return true
		}
	}
	return false
}

// vouches reports whether an image or name entry stronger than Low matches c.
func (cat catalogue) vouches(c container) bool {
	for _, r := range cat.images {
		if r.Confidence > Low && r.match(c) {
			return true
		}
	}
	for _, r := range cat.names {
		if r.Confidence > Low && r.match(c.name) {
			return true
		}
	}
	return false
}

// standsAside returns the besideApp entry that matches c, if any.
func (cat catalogue) standsAside(c container) (string, bool) {
	for _, r := range cat.images {
		if r.needsApp && r.match(c) {
			return r.ID, true
		}
	}
	return "", false
}

// withContext turns the Low evidence e of c into Medium evidence when the pod plainly has an
// app that c serves; otherwise it returns e. Precision first: never the only container,
// never the workload's own or default container, never next to nothing but other sidecars.
func (m *migration) withContext(c container, e evidence, listed map[string]bool) evidence {
	p := m.pod
	if e.rule.ID == "" || e.rule.Confidence != Low || len(p.containers) < 2 || p.appNamed(c) || m.off(ruleContextProxy.ID) {
		return e
	}
	var apps []container
	for _, app := range p.containers {
		if app.node == c.node || app.image == "" || app.oneShot() != "" {
			continue
		}
		if _, found := m.evidenceFor(app, listed); found {
			continue // a sidecar, or another proxy: not plainly the app
		}
		apps = append(apps, app)
	}
	what, _, _ := strings.Cut(e.reason, ":")
	for _, app := range apps {
		if port := forwardsTo(c, app); port != "" {
			return evidence{ruleContextProxy, fmt.Sprintf("%s beside the app container %s, and %s", what, app.name, port)}
		}
	}
	// A configuration from a ConfigMap says only that the proxy is configured, which an
	// nginx or envoy that is itself the app is too. It says that the proxy serves the app
	// only when there is one app, with a port to serve: beside several apps, or an app that
	// serves no port, the proxy may well be one of the apps.
	if len(apps) == 1 && len(containerPorts(apps[0].node)) > 0 {
		if volume := p.configMapMount(c); volume != "" {
			return evidence{ruleContextProxy, fmt.Sprintf("%s beside the app container %s, and its configuration is the ConfigMap volume %s", what, apps[0].name, volume)}
		}
	}
	return e
}

// forwardsTo returns how proxy names a port of app on the loopback address, or "".
func forwardsTo(proxy, app container) string {
	for _, port := range containerPorts(app.node) {
		for _, host := range []string{"127.0.0.1:", "localhost:", "[::1]:"} {
			if proxy.mentions(host + port) {
				return "it forwards to its port " + port + " on " + strings.TrimSuffix(host, ":")
			}
		}
	}
	return ""
}

// configMapMount returns the name of a ConfigMap volume that c mounts, or "".
func (p podContext) configMapMount(c container) string {
	if mounts := lookup(c.node, "volumeMounts"); mounts != nil && mounts.Kind == yaml.SequenceNode {
		for _, mnt := range mounts.Content {
			if p.configMaps[scalar(mnt, "name")] {
				return scalar(mnt, "name")
			}
		}
	}
	return ""
}

// mentions reports whether s is part of a word of the command line or of an env value.
func (c container) mentions(s string) bool {
	for _, w := range c.words {
		if strings.Contains(w, s) {
			return true
		}
	}
	for _, v := range c.env {
		if strings.Contains(v, s) {
			return true
		}
	}
	return false
}

// containerPorts returns the containerPort values of a container.
func containerPorts(n *yaml.Node) []string {
	var ports []string
	if list := lookup(n, "ports"); list != nil && list.Kind == yaml.SequenceNode {
		for _, p := range list.Content {
			if v := scalar(p, "containerPort"); v != "" {
				ports = append(ports, v)
			}
		}
	}
	return ports
}

// sidecarLike are the shapes of image and container names that sidecars have.
var sidecarLike = []string{"*exporter*", "*sidecar*", "*-agent", "*reload*", "*proxy*", "*-forwarder", "*shipper*", "envoy", "nginx", "haproxy"}

// hintMiss reports a container that looks like a sidecar but that no rule moves, so that the
// miss is never silent. A pod of one container is its app, whatever its name.
func (m *migration) hintMiss(t podTemplate, c container) {
	if len(m.pod.containers) < 2 || m.pod.appNamed(c) || len(controlled(t.spec, c)) > 0 || len(proxyTerminators([]container{c})) > 0 {
		return // the app (a pod of one container, or the one named like its workload), or a container that stops others, which is never a sidecar
	}
	for _, n := range []string{software(c.image), c.name} {
		for _, shape := range sidecarLike {
			if ok, _ := path.Match(shape, n); !ok || n == "" {
				continue
			}
			why := "no catalogue entry is sure of it"
			if r, ok := m.catalogue.standsAside(c); ok {
				why = r + " matches it only beside a container that is plainly the app, and there is none"
			}
			m.report(ruleLooksLikeSidecar, Info, t, c.node, c.name, "not moved: %s looks like a sidecar's name, but %s; if it is a sidecar, list it in %s or add its image to the configuration's sidecars.images", n, why, AnnotationSidecars)
			return
		}
	}
}

// exitAfterAuthRe finds exit_after_auth = true in an agent configuration written inline.
var exitAfterAuthRe = regexp.MustCompile(`exit_after_auth\s*=\s*"?true`)

// initRunsOnce returns why a sidecar image in initContainers may well be a one-shot init
// step, or "": a Vault agent there usually renders secrets once (exit_after_auth in its
// configuration). Such a container is never told to become native on its image alone.
func initRunsOnce(c container, e evidence) string {
	if exitAfterAuthRe.MatchString(strings.Join(c.words, " ")) {
		return "the agent configuration its command writes sets exit_after_auth = true"
	}
	if e.rule.ID == "image-vault-agent" {
		return "a Vault agent in initContainers usually exits after rendering its secrets (exit_after_auth in its configuration, which this document does not show)"
	}
	return ""
}
