package migrate

import (
	"path"
	"strings"
)

// Confidence says how sure a rule is that a container is a sidecar.
type Confidence int

// The confidences. Only Medium and High evidence moves a container; Low is reported.
const (
	Low Confidence = iota
	Medium
	High
)

// String returns the lower-case name of c.
func (c Confidence) String() string {
	return [...]string{"low", "medium", "high"}[c]
}

// Rule is one entry of the catalogue: a detection rule (evidence that a container is a
// sidecar) or a check (a finding about the manifest). Its ID is stable across releases.
type Rule struct {
	ID         string
	Confidence Confidence // for detection rules; checks are Low
	Matches    string     // what the rule looks at, for `sidecar-migrate rules`
	Summary    string     // one sentence
	Evidence   bool       // a detection rule; otherwise a check
}

// imageRule recognises a container by the repository path of its image.
type imageRule struct {
	Rule
	repos []string // repository paths, matched as whole trailing path segments
	// needArg, when set, must be one of the words of command or args (the vault image runs
	// servers too; only `vault agent` is a sidecar).
	needArg string
}

// nameRule recognises a container by its name, using path.Match patterns.
type nameRule struct {
	Rule
	patterns []string
}

func img(id string, c Confidence, summary string, repos ...string) imageRule {
	return imageRule{Rule: Rule{ID: id, Confidence: c, Matches: "image " + strings.Join(repos, ", "), Summary: summary, Evidence: true}, repos: repos}
}

func names(id string, c Confidence, summary string, patterns ...string) nameRule {
	return nameRule{Rule: Rule{ID: id, Confidence: c, Matches: "name " + strings.Join(patterns, ", "), Summary: summary, Evidence: true}, patterns: patterns}
}

// builtinImages is the image catalogue. Repository paths match whatever the registry, tag or
// digest, so mirrors such as registry.example.com/mirror/istio/proxyv2 are recognised.
var builtinImages = []imageRule{
	img("image-istio-proxy", High, "Istio's Envoy-based proxy injected next to the app.", "istio/proxyv2", "istio/proxy_debug"),
	img("image-linkerd-proxy", High, "Linkerd's data-plane proxy.", "linkerd/proxy", "linkerd-io/proxy"),
	img("image-consul-dataplane", High, "Consul service mesh dataplane.", "hashicorp/consul-dataplane"),
	img("image-cloud-sql-proxy-v1", High, "Cloud SQL Auth Proxy v1 (gce-proxy).", "cloudsql-docker/gce-proxy"),
	img("image-cloud-sql-proxy-v2", High, "Cloud SQL Auth Proxy v2.", "cloud-sql-connectors/cloud-sql-proxy"),
	img("image-alloydb-auth-proxy", High, "AlloyDB Auth Proxy.", "cloud-alloydb-connector/alloydb-auth-proxy"),
	img("image-oauth2-proxy", High, "oauth2-proxy in front of the app.", "oauth2-proxy/oauth2-proxy", "pusher/oauth2_proxy", "bitnami/oauth2-proxy"),
	img("image-kube-rbac-proxy", High, "kube-rbac-proxy guarding the app's metrics or API.", "brancz/kube-rbac-proxy", "kubebuilder/kube-rbac-proxy", "openshift/kube-rbac-proxy"),
	{Rule: Rule{ID: "image-vault-agent", Confidence: High, Matches: "image hashicorp/vault with `agent` in command or args", Summary: "Vault agent keeping secrets fresh for the app.", Evidence: true}, repos: []string{"hashicorp/vault"}, needArg: "agent"},
	img("image-fluent-bit", High, "Fluent Bit log shipper.", "fluent/fluent-bit"),
	img("image-fluentd", High, "Fluentd log shipper.", "fluent/fluentd", "fluent/fluentd-kubernetes-daemonset", "fluentd_elasticsearch/fluentd", "google-containers/fluentd-gcp", "fluentd-gcp"),
	img("image-filebeat", High, "Elastic Filebeat log shipper.", "elastic/filebeat", "beats/filebeat"),
	img("image-promtail", High, "Grafana Promtail log shipper.", "grafana/promtail"),
	img("image-vector", High, "Vector log and metrics agent.", "timberio/vector"),
	img("image-otel-collector", High, "OpenTelemetry Collector as an agent.", "otel/opentelemetry-collector", "otel/opentelemetry-collector-contrib", "otel/opentelemetry-collector-k8s", "aws-observability/aws-otel-collector"),
	img("image-jaeger-agent", High, "Jaeger agent forwarding spans.", "jaegertracing/jaeger-agent"),
	img("image-datadog-agent", High, "Datadog agent or DogStatsD.", "datadog/agent", "datadoghq/agent", "datadog/dogstatsd", "datadoghq/dogstatsd"),
	img("image-git-sync", High, "git-sync keeping a checkout up to date.", "git-sync/git-sync", "git-sync", "kubernetes/git-sync"),
	img("image-configmap-reload", High, "configmap-reload signalling the app on config changes.", "jimmidyson/configmap-reload", "prometheus-operator/configmap-reload"),
	img("image-prometheus-config-reloader", High, "Prometheus operator's config reloader.", "prometheus-operator/prometheus-config-reloader"),
	img("image-k8s-sidecar", High, "kiwigrid k8s-sidecar collecting ConfigMaps into a folder.", "kiwigrid/k8s-sidecar"),
	img("image-prometheus-to-sd", High, "prometheus-to-sd exporting the app's metrics to Stackdriver.", "prometheus-to-sd"),
	img("image-statsd-exporter", High, "Prometheus statsd exporter.", "prom/statsd-exporter"),
	img("image-nginx-exporter", High, "NGINX Prometheus exporter.", "nginx/nginx-prometheus-exporter"),
	img("image-postgres-exporter", High, "PostgreSQL Prometheus exporter.", "prometheuscommunity/postgres-exporter", "wrouesnel/postgres_exporter"),
	img("image-mysqld-exporter", High, "MySQL Prometheus exporter.", "prom/mysqld-exporter"),
	img("image-redis-exporter", High, "Redis Prometheus exporter.", "oliver006/redis_exporter"),
	img("image-dapr-sidecar", High, "Dapr runtime sidecar.", "daprio/daprd"),
	img("image-spiffe-helper", High, "SPIFFE helper rotating certificates for the app.", "spiffe/spiffe-helper"),
	img("image-ghostunnel", High, "ghostunnel TLS proxy.", "ghostunnel/ghostunnel"),
	img("image-aws-sigv4-proxy", High, "AWS SigV4 signing proxy.", "aws-observability/aws-sigv4-proxy"),
	img("image-envoy", Low, "Envoy is often the app itself (an edge or front proxy); reported, never moved.", "envoyproxy/envoy", "envoyproxy/envoy-distroless"),
	img("image-nginx", Low, "nginx is usually the app; reported, never moved.", "nginx", "library/nginx", "nginxinc/nginx-unprivileged"),
	img("image-haproxy", Low, "HAProxy is usually the app; reported, never moved.", "haproxy", "library/haproxy", "haproxytech/haproxy-alpine"),
}

// builtinNames is the name-pattern catalogue.
var builtinNames = []nameRule{
	names("name-mesh-proxy", Medium, "The name a service mesh gives its injected proxy.", "istio-proxy", "linkerd-proxy"),
	names("name-db-proxy", Medium, "The conventional name of a Cloud SQL proxy sidecar.", "cloud-sql-proxy", "cloudsql-proxy"),
	names("name-auth-proxy", Medium, "The conventional name of an authenticating proxy sidecar.", "kube-rbac-proxy", "kube-rbac-proxy-*", "oauth2-proxy"),
	names("name-vault-agent", Medium, "The conventional name of a Vault agent sidecar.", "vault-agent"),
	names("name-git-sync", Medium, "The conventional name of a git-sync sidecar.", "git-sync"),
	names("name-config-reloader", Medium, "The conventional name of a config reloader.", "config-reloader", "*-config-reloader", "configmap-reload"),
	names("name-log-shipper", Medium, "The conventional name of a log shipper.", "log-shipper", "logshipper", "log-forwarder"),
	names("name-sidecar", Medium, "A name that says it is a sidecar.", "sidecar", "*-sidecar", "sidecar-*"),
	names("name-generic-proxy", Low, "A generic proxy name; reported, never moved.", "proxy", "*-proxy"),
	names("name-nginx", Low, "nginx is usually the app; reported, never moved.", "nginx"),
}

// Rules that are not catalogue entries: evidence from annotations and behaviour, and checks.
var (
	ruleAnnotationSidecars = Rule{ID: "annotation-sidecars", Confidence: High, Matches: "annotation " + AnnotationSidecars, Summary: "The workload names these containers as sidecars.", Evidence: true}
	ruleRestartPolicy      = Rule{ID: "behaviour-restart-policy", Confidence: High, Matches: "restartPolicy: Always on a regular container", Summary: "A hand-made attempt at a native sidecar; in containers it is invalid before 1.35 and means something else after.", Evidence: true}
	ruleTailFollow         = Rule{ID: "behaviour-tail-follow", Confidence: Medium, Matches: "command `tail -f FILE` or `tail -F FILE`", Summary: "A log-streaming container that follows a file on a shared volume.", Evidence: true}

	ruleSkip           = Rule{ID: "annotation-skip", Matches: "annotation " + AnnotationSkip, Summary: "The workload asked to be left alone."}
	ruleKeep           = Rule{ID: "annotation-keep", Matches: "annotation " + AnnotationKeep, Summary: "The workload asked to keep this container where it is."}
	ruleSingle         = Rule{ID: "single-container", Matches: "a pod template with one container", Summary: "The only container is the app, whatever it looks like."}
	ruleNoApp          = Rule{ID: "no-app-left", Matches: "every container looks like a sidecar", Summary: "Moving them all would leave no app container, so none is moved."}
	ruleOneShot        = Rule{ID: "one-shot-command", Matches: "a command that runs once (validate, -exit-after-auth, --one-time, migrate, backup)", Summary: "A container that exits on its own is not a sidecar."}
	ruleNoImage        = Rule{ID: "no-image", Matches: "a container without image", Summary: "An override stub for an injector, not a container to move."}
	ruleAlreadyNative  = Rule{ID: "already-native", Matches: "a container name already in initContainers", Summary: "The pod already runs this container as an init container; nothing is duplicated."}
	ruleDuplicateName  = Rule{ID: "duplicate-name", Matches: "two containers with the same name", Summary: "Container names must be unique in a pod; the pod is left alone."}
	ruleBadContainers  = Rule{ID: "invalid-containers", Matches: "containers that is not a list of mappings, each with a name and no key set twice", Summary: "The pod template cannot be read; it is left alone."}
	ruleInitPolicy     = Rule{ID: "init-restart-policy", Matches: "initContainers entry with restartPolicy other than Always", Summary: "Rejected before Kubernetes 1.35, and a different feature from 1.35."}
	ruleRegularPolicy  = Rule{ID: "regular-restart-policy", Matches: "restartPolicy on a container that stays in containers", Summary: "Invalid before Kubernetes 1.35, and a different feature from 1.35."}
	ruleInitProbes     = Rule{ID: "init-probes", Matches: "probes or lifecycle on a plain init container", Summary: "Plain init containers reject probes and lifecycle hooks."}
	ruleInitLongRun    = Rule{ID: "init-long-running", Matches: "a long-running sidecar image in initContainers without restartPolicy: Always", Summary: "The Pod would hang in Init; fixed only on strong evidence."}
	ruleMeshOptOut     = Rule{ID: "mesh-native-opt-out", Matches: "annotation sidecar.istio.io/nativeSidecar: \"false\"", Summary: "The mesh was told to keep its proxy in containers; the proxy is left there."}
	ruleFallback       = Rule{ID: RuleFormattingFallback, Matches: "a changed document whose edit cannot be spliced into its lines", Summary: "The document was serialized instead; its formatting could not be kept."}
	ruleHelmTemplate   = Rule{ID: RuleHelmTemplate, Matches: "a file in a Helm chart's templates/ folder", Summary: "Templates are not manifests; migrate the rendered output with the post-renderer."}
	ruleEmptyFile      = Rule{ID: RuleEmptyFile, Matches: "a file that is empty or holds only comments", Summary: "Nothing to migrate; said so that a manifest emptied by mistake does not go unnoticed."}
	checkRules         = []Rule{ruleSkip, ruleKeep, ruleSingle, ruleNoApp, ruleOneShot, ruleNoImage, ruleAlreadyNative, ruleDuplicateName, ruleBadContainers, ruleInitPolicy, ruleRegularPolicy, ruleInitProbes, ruleInitLongRun, ruleMeshOptOut, ruleFallback, ruleHelmTemplate, ruleEmptyFile}
	evidenceRulesExtra = []Rule{ruleAnnotationSidecars, ruleRestartPolicy, ruleTailFollow}
)

// Ids of checks that the callers of Migrate report: the file layer owns formatting and
// chart detection, but their ids belong to the one catalogue.
const (
	RuleFormattingFallback = "formatting-fallback"
	RuleHelmTemplate       = "helm-template"
	RuleEmptyFile          = "empty-file"
)

// Rules returns the whole catalogue in a stable order: evidence rules (annotations,
// behaviour, images, names) and then checks.
func Rules() []Rule {
	var rules []Rule
	rules = append(rules, evidenceRulesExtra...)
	for _, r := range builtinImages {
		rules = append(rules, r.Rule)
	}
	for _, r := range builtinNames {
		rules = append(rules, r.Rule)
	}
	rules = append(rules, checkRules...)
	rules = append(rules, hackRules...)
	rules = append(rules, terminatorRules...)
	rules = append(rules, switchRules...)
	rules = append(rules, impactRules...)
	return append(rules, repositoryRules...)
}

// repository returns the repository path of an image reference without registry, tag or
// digest: "registry.example.com:5000/mirror/istio/proxyv2:1.24@sha256:..." gives
// "mirror/istio/proxyv2".
func repository(image string) string {
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndexByte(image, ':'); i > strings.LastIndexByte(image, '/') {
		image = image[:i]
	}
	if first, rest, ok := strings.Cut(image, "/"); ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		image = rest
	}
	return image
}

// matchRepo reports whether repo ends with the whole path segments of want.
func matchRepo(repo, want string) bool {
	return repo == want || strings.HasSuffix(repo, "/"+want)
}

func (r imageRule) match(c container) bool {
	repo := repository(c.image)
	for _, want := range r.repos {
		if matchRepo(repo, want) {
			return r.needArg == "" || c.hasWord(r.needArg)
		}
	}
	return false
}

func (r nameRule) match(name string) bool {
	for _, p := range r.patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}
