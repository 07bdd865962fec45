package migrate

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Findings about what changes for a workload once its sidecars are native, beyond the move
// itself. Each is reported only when the fact is visible in the manifest.
var (
	ruleStartupProbe = Rule{ID: "sidecar-startup-probe", Matches: "a moved sidecar with a readinessProbe and no startupProbe", Summary: "The app now waits for the sidecar to start, not to be ready; a startupProbe restores the wait."}
	rulePreStop      = Rule{ID: "sidecar-prestop", Matches: "a moved sidecar with a preStop hook", Summary: "Native sidecars stop after the app; a sleep or drain that kept the sidecar alive may go, and the grace period is shared."}
	ruleDefaultCont  = Rule{ID: "default-container", Matches: "a moved sidecar that was containers[0]", Summary: "kubectl's default container (logs, exec) changes; set kubectl.kubernetes.io/default-container."}
	ruleIstioStatus  = Rule{ID: "istio-stale-status", Matches: "sidecar.istio.io/status listing istio-proxy under containers", Summary: "Istio's injection status still describes the legacy layout."}
	ruleIstioProbe   = Rule{ID: "istio-startup-probe", Matches: "a moved istio-proxy without startupProbe", Summary: "Istio's native injection gives the proxy a startupProbe on /healthz/ready:15021."}
	ruleInitPeak     = Rule{ID: "init-resource-peak", Matches: "placement before-init that changes the pod's effective request", Summary: "Sidecars started before an init container add to the init peak the scheduler reserves."}
	ruleMeshNative   = Rule{ID: "mesh-native-annotation", Matches: "a pod template opting into Istio or Linkerd injection", Summary: "The proxy is injected at admission; the mesh's own annotation makes it native."}
	ruleAutoscaler   = Rule{ID: "autoscaler-container", Matches: "an HPA ContainerResource metric or a VPA containerPolicies entry naming a moved container", Summary: "HPAs count native sidecars from Kubernetes 1.29; VPAs skip init containers unless their NativeSidecar gate is on."}
	ruleKubeVersion  = Rule{ID: "kube-version-beta", Matches: "--kube-version 1.28 (with --allow-feature-gate) to 1.32", Summary: "Native sidecars are beta (on by default) before Kubernetes 1.33, and alpha behind a feature gate in 1.28."}
	_                = rule.Register(rule.Check, ruleStartupProbe, rulePreStop, ruleDefaultCont, ruleIstioStatus, ruleIstioProbe, ruleInitPeak, ruleMeshNative, ruleAutoscaler, ruleKubeVersion)
	istioInjectKey   = "sidecar.istio.io/inject"
	linkerdInjectKey = "linkerd.io/inject"
	istioNativeKey   = "sidecar.istio.io/nativeSidecar"
	// Linkerd's native-sidecar annotation: alpha from 2.15, beta from 2.19 (the alpha key
	// deprecated but read), GA from 2.20, where native sidecars are the default.
	linkerdNativeKeys = []string{
		"config.alpha.linkerd.io/proxy-enable-native-sidecar",
		"config.beta.linkerd.io/proxy-enable-native-sidecar",
		"config.linkerd.io/proxy-enable-native-sidecar",
	}
	defaultContainerKey = "kubectl.kubernetes.io/default-container"
)

// RunFindings returns the findings about a whole run rather than one document: the note for
// a target version where native sidecars are not GA yet. They have no line and no resource.
func RunFindings(opts Options) []Finding {
	beta, err := CheckKubeVersion(opts.KubeVersion, opts.AllowFeatureGate)
	if err != nil || !beta || opts.disabled(ruleKubeVersion.ID) {
		return nil
	}
	msg := fmt.Sprintf("native sidecars are beta in Kubernetes %s (on by default since 1.29, GA in 1.33)", opts.KubeVersion)
	if kubeMinor(opts.KubeVersion) == 28 {
		msg = fmt.Sprintf("native sidecars are alpha in Kubernetes %s: every cluster must run with the SidecarContainers feature gate on, and shutdown differs there (sidecars are stopped in order after the app from 1.29)", opts.KubeVersion)
	}
	return []Finding{{Rule: ruleKubeVersion.ID, Severity: Info, Message: msg}}
}

// impact reports what the move changes for the workload, and adds startup probes when asked.
func (m *migration) impact(t podTemplate, containers, moving []container) {
	if len(moving) > 0 && moving[0].node == containers[0].node {
		if _, set := t.annotation(defaultContainerKey); !set {
			app := firstStaying(containers, moving)
			m.report(ruleDefaultCont, Warning, t, moving[0].node, moving[0].name,
				"it was containers[0], kubectl's default container for logs and exec; %s is now; add the pod annotation %s: %s if scripts rely on the default", app, defaultContainerKey, app)
		}
	}
	if status, ok := t.annotation("sidecar.istio.io/status"); ok && istioStatusListsProxy(status) {
		m.report(ruleIstioStatus, Warning, t, t.spec, "", "sidecar.istio.io/status still lists istio-proxy under containers; re-inject or update it so Istio's tooling sees the native layout")
	}
	grace := "30s (the default)"
	if v := scalar(t.spec, "terminationGracePeriodSeconds"); v != "" {
		grace = v + "s"
	}
	var inits []container
	for _, n := range seqItems(lookup(t.spec, "initContainers")) {
		inits = append(inits, readContainer(n)) // as they are before the move
	}
	order := startOrder{containers: containers, inits: inits, moving: moving, placement: m.opts.Placement, spec: t.spec}
	for _, c := range moving {
		m.portsBeforeFixes(t, c)
		if lookupPath(c.node, "lifecycle", "preStop") != nil {
			m.report(rulePreStop, Warning, t, c.node, c.name, "its preStop hook ran alongside the app; as a native sidecar it stops only after the app has exited, so a sleep or drain meant to outlive the app can go, and the grace period of %s is now shared by the app and its sidecars", grace)
		}
		readiness, startup := lookup(c.node, "readinessProbe"), lookup(c.node, "startupProbe")
		blocked := ""
		if startup == nil && m.opts.StartupProbe == StartupFromReadiness {
			blocked = order.firstBlock(c, readinessAsStartup(c))
		}
		switch {
		case startup != nil:
		case blocked != "":
			m.report(ruleStartDependency, Warning, t, c.node, c.name, "no startupProbe added from its readinessProbe: as a startupProbe, %s; the app now starts once the sidecar has started, not once it is ready", blocked)
		case m.opts.StartupProbe == StartupFromReadiness && readiness != nil:
			probe, changed := startupFromReadiness(readiness)
			if m.fix(ruleStartupProbe, t, c.node, c.name, "startupProbe added with the readinessProbe's handler, so the app starts once the sidecar is ready%s", changed) {
				addStartupProbe(c.node, probe)
			}
		case c.name == "istio-proxy" || repository(c.image) == "istio/proxyv2":
			m.report(ruleIstioProbe, Warning, t, c.node, c.name, "no startupProbe: the app may start before the proxy is ready; Istio's native injection uses httpGet /healthz/ready on port 15021")
		case readiness != nil:
			m.report(ruleStartupProbe, Warning, t, c.node, c.name, "it has a readinessProbe but no startupProbe: the app now starts once the sidecar has started, not once it is ready; a startupProbe restores that (--startup-probe %s adds one)", StartupFromReadiness)
		}
	}
}

func firstStaying(containers, moving []container) string {
	for _, c := range containers {
		if !containsNode(moving, c.node) {
			return c.name
		}
	}
	return ""
}

// istioStatusListsProxy reports whether Istio's injection status annotation (JSON) names
// istio-proxy among the containers.
func istioStatusListsProxy(status string) bool {
	var s struct {
		Containers []string `json:"containers"`
	}
	if json.Unmarshal([]byte(status), &s) != nil {
		return false
	}
	for _, c := range s.Containers {
		if c == "istio-proxy" {
			return true
		}
	}
	return false
}

// addStartupProbe inserts startupProbe right after readinessProbe. When probe is the
// readiness probe's node, the node is shared: the output writes its lines twice.
func addStartupProbe(c, probe *yaml.Node) {
	at := indexOfKey(c, "readinessProbe") + 2
	key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "startupProbe"}
	c.Content = append(c.Content[:at], append([]*yaml.Node{key, probe}, c.Content[at:]...)...)
}

// minStartupFailures is the failureThreshold a startupProbe derived from a readinessProbe has
// at least: the Kubernetes default.
const minStartupFailures = 3

// startupFromReadiness returns the startupProbe that --startup-probe from-readiness adds: the
// readiness probe as written (the same node) when it is valid and roomy as one, else a copy
// of its handler and timings with what changed said in changed. The API server rejects a
// startupProbe whose successThreshold is not 1, so it is left out (1 is the default). A
// readinessProbe's failures only take the pod out of its Services, a startupProbe's restart
// the sidecar: with a failureThreshold below the default 3 (1: the first check that comes
// too early) a sidecar that starts slowly would be restarted before it could start, so the
// copy fails only after 3 checks, the readiness probe's period and timeout kept. Any other
// field is one a readinessProbe and a startupProbe share (the handler, initialDelaySeconds,
// timeoutSeconds, periodSeconds; terminationGracePeriodSeconds, which the API server rejects
// on a readinessProbe, is copied as written and rejected there first).
func startupFromReadiness(readiness *yaml.Node) (*yaml.Node, string) {
	probe := readiness
	if probe.Kind == yaml.AliasNode && probe.Alias != nil {
		probe = probe.Alias
	}
	if probe.Kind != yaml.MappingNode {
		return readiness, ""
	}
	var changes []string
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: probe.Tag, Style: probe.Style}
	for i := 0; i+1 < len(probe.Content); i += 2 {
		k, v := freshCopy(probe.Content[i]), freshCopy(probe.Content[i+1])
		switch n, err := strconv.Atoi(v.Value); {
		case k.Value == "successThreshold" && (err != nil || n != 1):
			changes = append(changes, fmt.Sprintf("without its successThreshold %s (a startupProbe's must be 1, the default)", v.Value))
			continue
		case k.Value == "failureThreshold" && (err != nil || n < minStartupFailures):
			changes = append(changes, fmt.Sprintf("with failureThreshold %d, not its %s (a failed startupProbe restarts the sidecar: the Kubernetes default gives it room to start)", minStartupFailures, v.Value))
			v = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(minStartupFailures)}
		}
		out.Content = append(out.Content, k, v)
	}
	if len(changes) == 0 {
		return readiness, ""
	}
	return out, "; " + strings.Join(changes, ", ")
}

// freshCopy returns a deep copy of n made of new nodes (no position, anchor or comments),
// which the output writes in the document's style: the copy of a probe, once edited, is not
// the readiness probe's lines.
func freshCopy(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return freshCopy(n.Alias)
	}
	c := &yaml.Node{Kind: n.Kind, Style: n.Style, Tag: n.Tag, Value: n.Value}
	for _, item := range n.Content {
		c.Content = append(c.Content, freshCopy(item))
	}
	return c
}

// meshNative adds, or suggests, the native-sidecar annotation of a mesh that injects its
// proxy at admission time, for pod templates that opt into injection. Only the pod
// template's own metadata counts: the injectors read the pod's annotations and labels.
func (m *migration) meshNative(t podTemplate) {
	md := t.own
	annotation := func(key string) (string, bool) {
		v := lookup(lookup(md, "annotations"), key)
		if v == nil || v.Kind != yaml.ScalarNode {
			return "", false
		}
		return v.Value, true
	}
	istioInject, _ := annotation(istioInjectKey)
	linkerdInject, _ := annotation(linkerdInjectKey)
	meshes := []struct {
		name    string
		keys    []string // the mesh's native-sidecar annotations, any of which may be set already
		optedIn bool
		minKube int // oldest Kubernetes minor version the mesh runs native sidecars on
	}{
		{"istio", []string{istioNativeKey}, istioInject == "true" || scalar(lookup(md, "labels"), istioInjectKey) == "true", 28},
		{"linkerd", linkerdNativeKeys, linkerdInject == "enabled" || linkerdInject == "ingress", 29},
	}
	for _, mesh := range meshes {
		if !mesh.optedIn || anySet(annotation, mesh.keys) {
			continue // a value already there, "false" included, is the owner's choice
		}
		on, version := m.opts.meshNative(mesh.name)
		key := nativeKey(mesh.name, version)
		switch {
		case !on:
			m.report(ruleMeshNative, Info, t, t.spec, "", "%s injects its proxy at admission time; --mesh-native %s adds %s: \"true\" so the injected proxy is a native sidecar", mesh.name, mesh.name, key)
		case kubeMinor(m.opts.KubeVersion) < mesh.minKube:
			m.report(ruleMeshNative, Info, t, t.spec, "", "%s injects its proxy at admission time and runs it as a native sidecar only on Kubernetes 1.%d or later; the target is %s, so %s is not added", mesh.name, mesh.minKube, m.opts.KubeVersion, key)
		default:
			if m.fix(ruleMeshNative, t, md, "", "%s: \"true\" added: %s injects its proxy at admission time, and this makes it a native sidecar", key, mesh.name) {
				setAnnotation(md, key, "true")
			}
		}
	}
}

// nativeKey returns the native-sidecar annotation of a mesh at a version (minor number; 0
// when none is given). Linkerd renamed its key twice; without a version it gets the alpha
// key, which every release from 2.15 to 2.19 reads (2.20 runs native sidecars by default).
func nativeKey(mesh string, version int) string {
	switch {
	case mesh == "istio":
		return istioNativeKey
	case version >= 20:
		return linkerdNativeKeys[2]
	case version == 19:
		return linkerdNativeKeys[1]
	}
	return linkerdNativeKeys[0]
}

// meshNativeOn reports whether a native-sidecar annotation of the mesh is "true" on the pod
// template's own metadata (the only one the injector reads): its injected proxy is then a
// native sidecar.
func meshNativeOn(t podTemplate, mesh string) bool {
	keys := []string{istioNativeKey}
	if mesh == "linkerd" {
		keys = linkerdNativeKeys
	}
	for _, k := range keys {
		if scalar(lookup(t.own, "annotations"), k) == "true" {
			return true
		}
	}
	return false
}

func anySet(annotation func(string) (string, bool), keys []string) bool {
	for _, k := range keys {
		if _, set := annotation(k); set {
			return true
		}
	}
	return false
}

// setAnnotation sets a string annotation on a metadata mapping, creating annotations.
func setAnnotation(md *yaml.Node, key, value string) {
	ann := lookup(md, "annotations")
	if ann == nil || ann.Kind != yaml.MappingNode {
		ann = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		md.Content = append(md.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "annotations"}, ann)
	}
	ann.Content = append(ann.Content,
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key},
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value, Style: yaml.DoubleQuotedStyle})
}

// initPeak reports how placing sidecars before the init containers changes the pod's
// effective resource request.
func (m *migration) initPeak(t podTemplate, containers, inits, moving []container) {
	if m.opts.Placement != BeforeInit || len(inits) == 0 || len(moving) == 0 {
		return
	}
	for _, res := range []string{"cpu", "memory"} {
		before, after := effectiveRequest(res, containers, inits, nil), effectiveRequest(res, containers, inits, moving)
		if before != after {
			m.report(ruleInitPeak, Info, t, t.spec, "", "with the sidecars before the init containers the pod's effective %s request goes from %s to %s", res, formatQuantity(res, before), formatQuantity(res, after))
		}
	}
}

// effectiveRequest computes the pod's effective request: the larger of the init peak and the
// steady state, with the moving containers as native sidecars started before every init
// container (nil: the legacy layout).
func effectiveRequest(res string, containers, inits, moving []container) float64 {
	var steady, sidecars float64
	for _, c := range containers {
		steady += request(c, res)
	}
	for _, c := range moving {
		sidecars += request(c, res)
	}
	peak := 0.0
	for _, c := range inits {
		if c.restartPolicy == "Always" {
			sidecars += request(c, res) // an existing native sidecar runs through the init phase too
			steady += request(c, res)
			continue
		}
		peak = max(peak, request(c, res)+sidecars)
	}
	return max(peak, steady)
}

func request(c container, res string) float64 {
	q, _ := parseQuantity(scalar(lookupPath(c.node, "resources", "requests"), res))
	return q
}

// parseQuantity reads a Kubernetes quantity ("100m", "1.5", "128Mi", "1G") as a number of
// units (cores or bytes).
func parseQuantity(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	suffixes := []struct {
		s string
		f float64
	}{{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40}, {"m", 1e-3}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}}
	for _, x := range suffixes {
		if strings.HasSuffix(s, x.s) {
			v, err := strconv.ParseFloat(strings.TrimSuffix(s, x.s), 64)
			return v * x.f, err == nil
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

func formatQuantity(res string, v float64) string {
	if res == "cpu" {
		return fmt.Sprintf("%gm", v*1000)
	}
	return fmt.Sprintf("%gMi", v/(1<<20))
}
