package migrate

import "testing"

// noRunsOnce are the catalogued images whose programs have no one-shot mode besides
// --version and --help (which every program has), or whose entry already needs the
// long-running subcommand (thanos sidecar, opa run --server, consul-k8s consul-sidecar).
var noRunsOnce = map[string]string{
	"image-linkerd-proxy":                  "the proxy binary only proxies",
	"image-consul-dataplane":               "only runs the dataplane",
	"image-consul-k8s-sidecar":             "the entry needs the consul-sidecar subcommand",
	"image-kuma-dp":                        "kuma-dp run is its only long mode; the entry is the data plane",
	"image-dapr-sidecar":                   "daprd only serves",
	"image-esp":                            "only proxies",
	"image-cloud-sql-proxy-v1":             "gce-proxy has no subcommands",
	"image-gcsfuse-sidecar":                "only mounts",
	"image-aws-sigv4-proxy":                "only proxies",
	"image-azure-workload-identity-proxy":  "only proxies",
	"image-tailscale":                      "containerboot runs tailscaled",
	"image-oauth2-proxy":                   "only proxies",
	"image-openshift-oauth-proxy":          "only proxies",
	"image-kube-rbac-proxy":                "only proxies",
	"image-gatekeeper-proxy":               "only proxies",
	"image-ghostunnel":                     "server and client both run on",
	"image-stunnel":                        "only tunnels",
	"image-spiffe-helper":                  "its daemon mode is a setting that defaults to on; not read",
	"image-opa":                            "the entry needs run --server",
	"image-kube-mgmt":                      "only syncs",
	"image-configmap-reload":               "only watches",
	"image-prometheus-config-reloader":     "only watches",
	"image-config-reloader":                "only watches",
	"image-addon-resizer":                  "only resizes",
	"image-ubbagent":                       "only reports",
	"image-thanos-sidecar":                 "the entry needs the sidecar subcommand",
	"image-stackdriver-prometheus-sidecar": "only exports",
	"image-prometheus-to-sd":               "only exports",
	"image-cadvisor":                       "only collects",
	"image-grafana-agent":                  "static and flow modes both run on",
	"image-jaeger-agent":                   "only forwards",
	"image-aws-xray-daemon":                "only relays",
	"image-cloudwatch-agent":               "only collects",
	"image-newrelic-infrastructure":        "only collects",
	"image-splunk-forwarder":               "only forwards",
	"image-statsd-exporter":                "exporters only serve",
	"image-nginx-exporter":                 "exporters only serve",
	"image-postgres-exporter":              "exporters only serve",
	"image-mysqld-exporter":                "exporters only serve",
	"image-redis-exporter":                 "exporters only serve",
	"image-memcached-exporter":             "exporters only serve",
	"image-rabbitmq-exporter":              "exporters only serve",
	"image-elasticsearch-exporter":         "exporters only serve",
	"image-kafka-exporter":                 "exporters only serve",
	"image-jmx-exporter":                   "exporters only serve",
	"image-mongodb-exporter":               "exporters only serve",
	"image-pgbouncer-exporter":             "exporters only serve",
	"image-php-fpm-exporter":               "exporters only serve",
	"image-apache-exporter":                "exporters only serve",
	"image-exporter":                       "any exporter: no common one-shot switch",
}

// TestEveryImageHasRunsOnce keeps the one-shot table in step with the image catalogue: a new
// image entry needs a row of builtinRunsOnce or a reason here.
func TestEveryImageHasRunsOnce(t *testing.T) {
	covered := map[string]bool{}
	for _, p := range builtinRunsOnce {
		for _, id := range p.rules {
			if _, ok := builtinImageRules[id]; !ok {
				t.Errorf("builtinRunsOnce %s names %s, which is no image entry", p.program, id)
			}
			covered[id] = true
		}
	}
	for _, r := range builtinImages {
		_, exempt := noRunsOnce[r.ID]
		switch {
		case covered[r.ID] && exempt:
			t.Errorf("%s has a row of builtinRunsOnce and a reason in noRunsOnce", r.ID)
		case !covered[r.ID] && !exempt:
			t.Errorf("%s has no row of builtinRunsOnce: add its one-shot subcommands and switches, or say in noRunsOnce why it has none", r.ID)
		}
	}
	for id := range noRunsOnce {
		if _, ok := builtinImageRules[id]; !ok {
			t.Errorf("noRunsOnce names %s, which is no image entry", id)
		}
	}
}

func TestProgramsCommandPosition(t *testing.T) {
	for _, tc := range []struct {
		words []string
		want  string
	}{
		{[]string{"validate", "--config-dir", "/etc/vector"}, "Vector runs once with its subcommand validate"},
		{[]string{"/usr/bin/vector", "validate"}, "Vector runs once with its subcommand validate"},
		{[]string{"--config-dir", "/etc/vector"}, ""},
		{[]string{"sh", "-c", "vector", "validate", "&&", "exec", "vector", "--config-dir", "/etc/vector"}, ""},
	} {
		c := container{words: tc.words, image: "timberio/vector:0.41.0", env: map[string]string{}}
		if got := c.programRunsOnce(); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.words, got, tc.want)
		}
	}
}
