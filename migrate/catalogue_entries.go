package migrate

// builtinImages is the image catalogue. Repository paths match whatever the registry, tag or
// digest; a one-segment path matches the software under any organisation, so mirrors and
// vendors' rebuilds (registry.example/ops/jaeger-agent) are recognised. Entries that only a
// subcommand makes a sidecar, or that are often a workload of their own, say so.
var builtinImages = []imageRule{
	// Service meshes and their data planes.
	sw("image-istio-proxy", High, "Istio's Envoy-based proxy injected next to the app.", "https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/", "istio/proxyv2", "istio/proxy_debug"),
	sw("image-linkerd-proxy", High, "Linkerd's data-plane proxy.", "https://linkerd.io/2-edge/features/proxy-injection/", "linkerd/proxy", "linkerd-io/proxy", "linkerd2-proxy"),
	sw("image-consul-dataplane", High, "Consul service mesh dataplane.", "https://developer.hashicorp.com/consul/docs/connect/dataplane", "consul-dataplane"),
	sw("image-consul-k8s-sidecar", High, "consul-k8s's consul-sidecar subcommand (metrics merging, service registration).", "https://developer.hashicorp.com/consul/docs/k8s/connect", "consul-k8s", "consul-k8s-control-plane").withArgs("consul-sidecar"),
	sw("image-kuma-dp", High, "Kuma and Kong Mesh data-plane proxy.", "https://kuma.io/docs/latest/production/dp-config/dpp-on-kubernetes/", "kuma-dp", "kong-mesh-dp"),
	sw("image-appmesh-envoy", High, "AWS App Mesh's Envoy build, injected next to the app.", "https://docs.aws.amazon.com/app-mesh/latest/userguide/envoy.html", "aws-appmesh-envoy"),
	sw("image-dapr-sidecar", High, "Dapr runtime sidecar.", "https://docs.dapr.io/concepts/dapr-services/sidecar/", "daprd"),
	sw("image-esp", High, "Google Cloud Endpoints' Extensible Service Proxy (ESP and ESPv2) in front of the app.", "https://cloud.google.com/endpoints/docs/openapi/get-started-kubernetes-engine", "endpoints-release/endpoints-runtime", "endpoints-runtime", "esp-v2"),
	// Database and cloud connectors.
	sw("image-cloud-sql-proxy-v1", High, "Cloud SQL Auth Proxy v1 (gce-proxy).", "https://github.com/GoogleCloudPlatform/cloud-sql-proxy/tree/v1", "cloudsql-docker/gce-proxy", "gce-proxy"),
	sw("image-cloud-sql-proxy-v2", High, "Cloud SQL Auth Proxy v2.", "https://cloud.google.com/sql/docs/mysql/connect-kubernetes-engine", "cloud-sql-proxy"),
	sw("image-alloydb-auth-proxy", High, "AlloyDB Auth Proxy.", "https://cloud.google.com/alloydb/docs/auth-proxy/connect", "alloydb-auth-proxy"),
	sw("image-gcsfuse-sidecar", High, "Cloud Storage FUSE CSI driver's sidecar mounter.", "https://cloud.google.com/kubernetes-engine/docs/how-to/persistent-volumes/cloud-storage-fuse-csi-driver-sidecar", "gcs-fuse-csi-driver-sidecar-mounter"),
	sw("image-aws-sigv4-proxy", High, "AWS SigV4 signing proxy.", "https://github.com/awslabs/aws-sigv4-proxy", "aws-sigv4-proxy"),
	sw("image-azure-workload-identity-proxy", High, "Azure workload identity proxy for apps on older SDKs.", "https://azure.github.io/azure-workload-identity/docs/topics/self-managed-clusters/", "workload-identity/proxy", "azure-workload-identity/proxy"),
	sw("image-tailscale", High, "Tailscale running next to the app to put it on a tailnet.", "https://tailscale.com/kb/1185/kubernetes#sample-sidecar", "tailscale/tailscale"),
	// Authentication and TLS in front of the app.
	sw("image-oauth2-proxy", High, "oauth2-proxy in front of the app.", "https://oauth2-proxy.github.io/oauth2-proxy/", "oauth2-proxy", "oauth2_proxy"),
	sw("image-openshift-oauth-proxy", High, "OpenShift's oauth-proxy in front of the app.", "https://github.com/openshift/oauth-proxy", "openshift/oauth-proxy", "ose-oauth-proxy"),
	sw("image-kube-rbac-proxy", High, "kube-rbac-proxy guarding the app's metrics or API.", "https://github.com/brancz/kube-rbac-proxy", "kube-rbac-proxy", "ose-kube-rbac-proxy"),
	sw("image-gatekeeper-proxy", High, "Keycloak Gatekeeper / Louketo / gogatekeeper OpenID proxy in front of the app.", "https://github.com/gogatekeeper/gatekeeper", "keycloak-gatekeeper", "louketo-proxy", "gogatekeeper/gatekeeper"),
	sw("image-ghostunnel", High, "ghostunnel TLS proxy.", "https://github.com/ghostunnel/ghostunnel", "ghostunnel"),
	sw("image-stunnel", High, "stunnel TLS wrapper for the app's connections.", "https://www.stunnel.org/docs.html", "stunnel"),
	sw("image-spiffe-helper", High, "SPIFFE helper rotating certificates for the app.", "https://github.com/spiffe/spiffe-helper", "spiffe-helper"),
	// Secrets and policy.
	sw("image-vault-agent", High, "Vault agent keeping secrets fresh for the app.", "https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent", "vault").withArgs("agent"),
	sw("image-vault-proxy", High, "Vault proxy forwarding the app's Vault requests.", "https://developer.hashicorp.com/vault/docs/agent-and-proxy/proxy", "vault").withArgs("proxy"),
	sw("image-consul-template", High, "consul-template rendering files from Consul or Vault for the app.", "https://github.com/hashicorp/consul-template", "consul-template"),
	sw("image-opa", High, "Open Policy Agent serving decisions to the app (opa run --server, opa-envoy-plugin).", "https://www.openpolicyagent.org/docs/latest/envoy-introduction/", "opa", "opa-envoy-plugin", "opa-istio").withArgs("run", "--server").besideApp(),
	sw("image-kube-mgmt", High, "OPA's kube-mgmt loading policies and data into the OPA beside it.", "https://github.com/open-policy-agent/kube-mgmt", "kube-mgmt"),
	// Configuration and content.
	sw("image-git-sync", High, "git-sync keeping a checkout up to date.", "https://github.com/kubernetes/git-sync", "git-sync"),
	sw("image-configmap-reload", High, "configmap-reload signalling the app on config changes.", "https://github.com/jimmidyson/configmap-reload", "configmap-reload", "configmap-reloader"),
	sw("image-prometheus-config-reloader", High, "Prometheus operator's config reloader.", "https://github.com/prometheus-operator/prometheus-operator/tree/main/cmd/prometheus-config-reloader", "prometheus-config-reloader"),
	sw("image-config-reloader", High, "A config reloader sidecar (logging operator, Prometheus and Alertmanager charts).", "https://github.com/kube-logging/logging-operator", "config-reloader", "config-reloader-sidecar"),
	sw("image-k8s-sidecar", High, "kiwigrid k8s-sidecar collecting ConfigMaps into a folder.", "https://github.com/kiwigrid/k8s-sidecar", "k8s-sidecar"),
	sw("image-addon-resizer", High, "addon-resizer (pod nanny) resizing the app beside it.", "https://github.com/kubernetes/autoscaler/tree/master/addon-resizer", "addon-resizer"),
	sw("image-ubbagent", High, "Google Cloud Marketplace usage-based billing agent.", "https://github.com/GoogleCloudPlatform/ubbagent", "ubbagent"),
	// Metrics, logs and traces.
	sw("image-thanos-sidecar", High, "The Thanos sidecar uploading Prometheus's blocks (thanos sidecar).", "https://thanos.io/tip/components/sidecar.md/", "thanos").withArgs("sidecar"),
	sw("image-stackdriver-prometheus-sidecar", High, "Stackdriver Prometheus sidecar.", "https://github.com/Stackdriver/stackdriver-prometheus-sidecar", "stackdriver-prometheus-sidecar"),
	sw("image-prometheus-to-sd", High, "prometheus-to-sd exporting the app's metrics to Stackdriver.", "https://github.com/GoogleCloudPlatform/k8s-stackdriver/tree/master/prometheus-to-sd", "prometheus-to-sd"),
	sw("image-cadvisor", High, "cAdvisor collecting container metrics.", "https://github.com/google/cadvisor", "cadvisor"),
	sw("image-fluent-bit", High, "Fluent Bit log shipper (also AWS FireLens's aws-for-fluent-bit).", "https://docs.fluentbit.io/manual/installation/kubernetes", "fluent-bit", "aws-for-fluent-bit", "newrelic-fluentbit-output"),
	sw("image-fluentd", High, "Fluentd log shipper.", "https://docs.fluentd.org/container-deployment/kubernetes", "fluentd", "fluentd-kubernetes-daemonset", "fluentd-elasticsearch", "fluentd-gcp"),
	sw("image-filebeat", High, "Elastic Filebeat log shipper.", "https://www.elastic.co/guide/en/beats/filebeat/current/running-on-kubernetes.html", "filebeat"),
	sw("image-metricbeat", High, "Elastic Metricbeat metrics shipper.", "https://www.elastic.co/guide/en/beats/metricbeat/current/running-on-kubernetes.html", "metricbeat"),
	sw("image-elastic-agent", High, "Elastic Agent.", "https://www.elastic.co/guide/en/fleet/current/running-on-kubernetes-standalone.html", "elastic-agent"),
	sw("image-promtail", High, "Grafana Promtail log shipper.", "https://grafana.com/docs/loki/latest/send-data/promtail/", "promtail"),
	sw("image-grafana-agent", High, "Grafana Agent.", "https://grafana.com/docs/agent/latest/", "grafana/agent"),
	sw("image-grafana-alloy", High, "Grafana Alloy.", "https://grafana.com/docs/alloy/latest/", "grafana/alloy"),
	sw("image-vector", High, "Vector log and metrics agent.", "https://vector.dev/docs/setup/installation/platforms/kubernetes/", "timberio/vector"),
	sw("image-otel-collector", High, "OpenTelemetry Collector as an agent.", "https://opentelemetry.io/docs/collector/deployment/agent/", "opentelemetry-collector", "opentelemetry-collector-contrib", "opentelemetry-collector-k8s", "aws-otel-collector", "splunk-otel-collector"),
	sw("image-jaeger-agent", High, "Jaeger agent forwarding spans.", "https://www.jaegertracing.io/docs/1.62/operator/#auto-injecting-jaeger-agent-sidecars", "jaeger-agent"),
	sw("image-aws-xray-daemon", High, "AWS X-Ray daemon relaying the app's traces.", "https://docs.aws.amazon.com/xray/latest/devguide/xray-daemon.html", "aws-xray-daemon"),
	sw("image-cloudwatch-agent", High, "Amazon CloudWatch agent (StatsD and EMF for the app).", "https://github.com/aws/amazon-cloudwatch-agent", "cloudwatch-agent"),
	sw("image-datadog-agent", High, "Datadog agent or DogStatsD.", "https://docs.datadoghq.com/containers/kubernetes/", "datadog/agent", "datadoghq/agent", "dogstatsd"),
	sw("image-newrelic-infrastructure", High, "New Relic infrastructure agent (the sidecar of EKS Fargate pods).", "https://docs.newrelic.com/docs/kubernetes-pixie/kubernetes-integration/installation/install-fargate-integration/", "newrelic/infrastructure", "newrelic/infrastructure-k8s"),
	sw("image-splunk-forwarder", High, "Splunk universal forwarder.", "https://github.com/splunk/docker-splunk", "splunk/universalforwarder"),
	// Prometheus exporters: the app's metrics, next to it. Alone in a pod, or named like its
	// workload, an exporter is the app.
	sw("image-statsd-exporter", High, "Prometheus statsd exporter.", "https://github.com/prometheus/statsd_exporter", "statsd-exporter", "statsd_exporter").besideApp(),
	sw("image-nginx-exporter", High, "NGINX Prometheus exporter.", "https://github.com/nginxinc/nginx-prometheus-exporter", "nginx-prometheus-exporter", "nginx-vts-exporter").besideApp(),
	sw("image-postgres-exporter", High, "PostgreSQL Prometheus exporter.", "https://github.com/prometheus-community/postgres_exporter", "postgres-exporter", "postgres_exporter").besideApp(),
	sw("image-mysqld-exporter", High, "MySQL Prometheus exporter.", "https://github.com/prometheus/mysqld_exporter", "mysqld-exporter", "mysqld_exporter").besideApp(),
	sw("image-redis-exporter", High, "Redis Prometheus exporter.", "https://github.com/oliver006/redis_exporter", "redis_exporter", "redis-exporter").besideApp(),
	sw("image-memcached-exporter", High, "Memcached Prometheus exporter.", "https://github.com/prometheus/memcached_exporter", "memcached-exporter", "memcached_exporter").besideApp(),
	sw("image-rabbitmq-exporter", High, "RabbitMQ Prometheus exporter.", "https://github.com/kbudde/rabbitmq_exporter", "rabbitmq-exporter", "rabbitmq_exporter").besideApp(),
	sw("image-elasticsearch-exporter", High, "Elasticsearch Prometheus exporter.", "https://github.com/prometheus-community/elasticsearch_exporter", "elasticsearch-exporter", "elasticsearch_exporter").besideApp(),
	sw("image-kafka-exporter", High, "Kafka Prometheus exporter.", "https://github.com/danielqsj/kafka_exporter", "kafka-exporter", "kafka_exporter").besideApp(),
	sw("image-jmx-exporter", High, "Prometheus JMX exporter as a separate process.", "https://github.com/prometheus/jmx_exporter", "jmx-exporter", "jmx_exporter", "jmx-prometheus-exporter").besideApp(),
	sw("image-mongodb-exporter", High, "MongoDB Prometheus exporter.", "https://github.com/percona/mongodb_exporter", "mongodb-exporter", "mongodb_exporter").besideApp(),
	sw("image-pgbouncer-exporter", High, "PgBouncer Prometheus exporter.", "https://github.com/prometheus-community/pgbouncer_exporter", "pgbouncer-exporter", "pgbouncer_exporter").besideApp(),
	sw("image-php-fpm-exporter", High, "PHP-FPM Prometheus exporter.", "https://github.com/hipages/php-fpm_exporter", "php-fpm-exporter", "php-fpm_exporter").besideApp(),
	sw("image-apache-exporter", High, "Apache httpd Prometheus exporter.", "https://github.com/Lusitaniae/apache_exporter", "apache-exporter", "apache_exporter").besideApp(),
	sw("image-blackbox-exporter", High, "Prometheus blackbox exporter probing the app.", "https://github.com/prometheus/blackbox_exporter", "blackbox-exporter", "blackbox_exporter").besideApp(),
	sw("image-exporter", Medium, "A Prometheus exporter (*-exporter, *_exporter) next to the software it exports.", "https://prometheus.io/docs/instrumenting/exporters/", "*-exporter", "*_exporter").besideApp(),
	// Usually the app: reported, and moved only on pod context.
	sw("image-envoy", Low, "Envoy is often the app itself (an edge or front proxy); moved only beside a plain app.", "https://www.envoyproxy.io/docs/envoy/latest/intro/deployment_types/service_to_service", "envoyproxy/envoy", "envoyproxy/envoy-distroless", "envoyproxy/envoy-alpine"),
	sw("image-nginx", Low, "nginx is usually the app; moved only beside a plain app.", "https://hub.docker.com/_/nginx", "nginx", "nginx-unprivileged", "bitnami/nginx"),
	sw("image-haproxy", Low, "HAProxy is usually the app; moved only beside a plain app.", "https://hub.docker.com/_/haproxy", "haproxy", "haproxy-alpine"),
}

// builtinNames is the name-pattern catalogue.
var builtinNames = []nameRule{
	names("name-mesh-proxy", Medium, "The name a service mesh gives its injected proxy.", "https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/", "istio-proxy", "linkerd-proxy"),
	names("name-db-proxy", Medium, "The conventional name of a Cloud SQL proxy sidecar.", "https://cloud.google.com/sql/docs/mysql/connect-kubernetes-engine", "cloud-sql-proxy", "cloudsql-proxy"),
	names("name-auth-proxy", Medium, "The conventional name of an authenticating proxy sidecar.", "https://github.com/brancz/kube-rbac-proxy", "kube-rbac-proxy", "kube-rbac-proxy-*", "oauth2-proxy"),
	names("name-vault-agent", Medium, "The conventional name of a Vault agent sidecar.", "https://developer.hashicorp.com/vault/docs/platform/k8s/injector", "vault-agent"),
	names("name-git-sync", Medium, "The conventional name of a git-sync sidecar.", "https://github.com/kubernetes/git-sync", "git-sync"),
	names("name-config-reloader", Medium, "The conventional name of a config reloader.", "https://github.com/prometheus-operator/prometheus-operator", "config-reloader", "*-config-reloader", "configmap-reload"),
	names("name-log-shipper", Medium, "The conventional name of a log shipper.", "https://kubernetes.io/docs/concepts/cluster-administration/logging/#sidecar-container-with-a-logging-agent", "log-shipper", "logshipper", "log-forwarder"),
	names("name-sidecar", Medium, "A name that says it is a sidecar.", "https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/", "sidecar", "*-sidecar", "sidecar-*"),
	names("name-generic-proxy", Low, "A generic proxy name; moved only beside a plain app.", "https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/", "proxy", "*-proxy"),
	names("name-nginx", Low, "nginx is usually the app; moved only beside a plain app.", "https://hub.docker.com/_/nginx", "nginx"),
}

// builtinRunsOnce says, per catalogued program, what makes it do its work once and exit:
// a subcommand (the first word of its arguments that is not a flag), a flag (alone, or
// "=true" and the other spellings of true that Go's flag packages accept), an environment
// variable set to true (or to a given value), or a setting of its configuration file. Such a
// container is not a sidecar: moved, it would be restarted for ever, and in a Job its failure
// would no longer fail the Job. Every program also exits on --version and --help. Sources:
// each program's command-line reference (otelcol validate, components, featuregate and
// print-initial-config; vector validate, test, generate, generate-schema, list, graph, vrl,
// config; fluent-bit --dry-run and --sosreport; promtail -check-syntax; consul-template
// -once; vault agent -exit-after-auth and exit_after_auth, and the vault commands that do
// one request (login, read, write, kv, token...); git-sync --one-time and GITSYNC_ONE_TIME;
// envoy --mode validate and init_only; filebeat and metricbeat test, setup, export,
// keystore; fluentd --dry-run; pilot-agent wait, request, istio-iptables and
// istio-clean-iptables; the Cloud SQL and AlloyDB proxies' wait; k8s-sidecar's METHOD=LIST;
// Elastic Agent's enroll, install, status, inspect, diagnostics; Alloy's fmt, convert and
// tools; the Datadog agent's check, status, health, configcheck, flare, diagnose; the
// blackbox exporter's --config.check; nginx -t, -T and -s; haproxy -c).
// catalogue_test.go checks that every image entry has a row here or says why it has none.
var builtinRunsOnce = []runsOnce{
	{program: "the OpenTelemetry Collector", rules: []string{"image-otel-collector"}, binaries: []string{"otelcol", "otelcol-contrib", "otelcol-k8s", "aws-otel-collector", "otelcol-sumo"},
		subcommands: []string{"validate", "components", "featuregate", "print-initial-config"}},
	{program: "Vector", rules: []string{"image-vector"}, binaries: []string{"vector"},
		subcommands: []string{"validate", "test", "generate", "generate-schema", "list", "graph", "vrl", "config"}},
	{program: "Fluent Bit", rules: []string{"image-fluent-bit"}, binaries: []string{"fluent-bit"},
		flags: []string{"dry-run", "D", "sosreport"}},
	{program: "Promtail", rules: []string{"image-promtail"}, binaries: []string{"promtail"},
		flags: []string{"check-syntax"}},
	{program: "consul-template", rules: []string{"image-consul-template"}, binaries: []string{"consul-template"},
		flags: []string{"once"}, configSetting: "once", configFlags: []string{"config"}},
	{program: "the Vault agent", rules: []string{"image-vault-agent", "image-vault-proxy"}, binaries: []string{"vault"},
		subcommands: vaultRequests, flags: []string{"exit-after-auth"}, configSetting: "exit_after_auth", configFlags: []string{"config"}},
	{program: "git-sync", rules: []string{"image-git-sync"}, binaries: []string{"git-sync"},
		flags: []string{"one-time"}, env: []string{"GITSYNC_ONE_TIME", "GIT_SYNC_ONE_TIME"}},
	{program: "Envoy", rules: []string{"image-envoy", "image-istio-proxy", "image-appmesh-envoy"}, binaries: []string{"envoy"},
		modes: []string{"validate", "init_only"}},
	{program: "Beats", rules: []string{"image-filebeat", "image-metricbeat"}, binaries: []string{"filebeat", "metricbeat"},
		subcommands: []string{"test", "setup", "export", "keystore", "version"}},
	{program: "Fluentd", rules: []string{"image-fluentd"}, binaries: []string{"fluentd"},
		flags: []string{"dry-run"}},
	{program: "Istio's pilot-agent", rules: []string{"image-istio-proxy"}, binaries: []string{"pilot-agent"},
		subcommands: []string{"wait", "request", "version", "istio-iptables", "istio-clean-iptables"}},
	{program: "the Cloud SQL Auth Proxy", rules: []string{"image-cloud-sql-proxy-v2"}, binaries: []string{"cloud-sql-proxy"},
		subcommands: []string{"wait", "completion"}},
	{program: "the AlloyDB Auth Proxy", rules: []string{"image-alloydb-auth-proxy"}, binaries: []string{"alloydb-auth-proxy"},
		subcommands: []string{"wait", "completion"}},
	{program: "k8s-sidecar", rules: []string{"image-k8s-sidecar"},
		env: []string{"METHOD=LIST"}},
	{program: "Elastic Agent", rules: []string{"image-elastic-agent"}, binaries: []string{"elastic-agent"},
		subcommands: []string{"enroll", "install", "uninstall", "status", "inspect", "diagnostics", "version"}},
	{program: "Grafana Alloy", rules: []string{"image-grafana-alloy"}, binaries: []string{"alloy"},
		subcommands: []string{"fmt", "convert", "tools"}},
	{program: "the Datadog agent", rules: []string{"image-datadog-agent"},
		subcommands: []string{"check", "status", "health", "configcheck", "flare", "diagnose", "version"}},
	{program: "the blackbox exporter", rules: []string{"image-blackbox-exporter"}, binaries: []string{"blackbox_exporter"},
		flags: []string{"config.check"}},
	{program: "nginx", rules: []string{"image-nginx"}, binaries: []string{"nginx"},
		flags: []string{"t", "T", "s"}},
	{program: "HAProxy", rules: []string{"image-haproxy"}, binaries: []string{"haproxy"},
		flags: []string{"c"}},
}

// vaultRequests are the vault commands that make one request and exit; agent, proxy,
// server, monitor and events run on.
var vaultRequests = []string{"login", "read", "write", "list", "delete", "patch", "kv", "token", "unwrap",
	"status", "version", "operator", "policy", "secrets", "auth", "audit", "lease", "pki", "plugin",
	"print", "namespace", "path-help", "ssh", "transit", "transform", "version-history"}

// builtinOwnPorts are the ports a catalogued program serves without declaring them, by its
// image entry (or, for injected proxies whose image is a placeholder, its container name):
// a startupProbe or postStart hook on one of them waits for the container itself. Sources:
// Istio's "Ports used by Istio", Linkerd's proxy ports, the Cloud SQL and AlloyDB proxies'
// --http-port and --admin-port defaults (v1's health checks on 8090), oauth2-proxy's --http-address default, Dapr's
// sidecar ports, the Collector's health_check extension, the nginx images' default listeners.
var builtinOwnPorts = []ownPorts{
	{rules: []string{"image-istio-proxy"}, names: []string{"istio-proxy"}, ports: []string{"15000", "15001", "15004", "15006", "15008", "15020", "15021", "15053", "15090"}},
	{rules: []string{"image-linkerd-proxy"}, names: []string{"linkerd-proxy"}, ports: []string{"4140", "4143", "4191"}},
	{rules: []string{"image-cloud-sql-proxy-v2", "image-alloydb-auth-proxy"}, ports: []string{"9090", "9091"}},
	{rules: []string{"image-cloud-sql-proxy-v1"}, ports: []string{"8090"}}, // -use_http_health_check
	{rules: []string{"image-oauth2-proxy"}, ports: []string{"4180"}},
	{rules: []string{"image-dapr-sidecar"}, names: []string{"daprd"}, ports: []string{"3500", "3501", "50001", "9090"}},
	{rules: []string{"image-otel-collector"}, ports: []string{"13133"}},
	{rules: []string{"image-nginx"}, ports: []string{"80", "8080"}}, // nginx; nginx-unprivileged and Bitnami's
}

// builtinStandalone are the catalogued programs that also run as a workload of their own:
// an Istio gateway is the proxy image in router mode (or injected from the gateway
// template), an OpenTelemetry gateway or collector Deployment is the Collector image. Such
// a container is the app, not a sidecar: it stays, with an info finding. modes are the
// arguments that say it runs standalone (and sidecarModes those that say it is a sidecar);
// without either, a workload whose name ends with one of roles, or holds one of aliases
// followed only by roles, is taken to be the program, unless another container carries
// the workload's name.
var builtinStandalone = []standalone{
	{program: "Istio's proxy", rules: []string{"image-istio-proxy"}, names: []string{"istio-proxy"},
		modes: [][]string{{"proxy", "router"}}, sidecarModes: [][]string{{"proxy", "sidecar"}},
		templates: "inject.istio.io/templates", template: "gateway",
		aliases: []string{"istio"}, roles: []string{"gateway", "ingressgateway", "egressgateway"}},
	{program: "the OpenTelemetry Collector", rules: []string{"image-otel-collector"},
		aliases: []string{"otel", "otelcol", "opentelemetry"}, roles: []string{"collector", "gateway"}},
}
