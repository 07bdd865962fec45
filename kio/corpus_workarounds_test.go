package kio

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCorpusWorkarounds pins the outcome for every corpus manifest that runs to completion
// or carries a sidecar workaround (kubexit, Cloud SQL proxy, quitquitquit): each either
// migrates with its workaround gone, or is left as it is with a warning naming the reason,
// or already needs nothing.
func TestCorpusWorkarounds(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not found at %s: %v", corpusDir, err)
	}
	const (
		kubexit  = "karlkfi__kubexit/"
		cloudsql = "GoogleCloudPlatform__cloud-sql-proxy/examples/"
		istio    = "istio__istio/pkg/kube/inject/testdata/inject/"
		website  = "kubernetes__website/content/en/examples/application/job/"
	)
	kubexitGone := []string{"KUBEXIT_", "graveyard", "'kubexit'", "kubexit "}
	for _, tc := range []struct {
		file string
		// moved: the containers that become native sidecars.
		moved []string
		// removed: the workaround rules that fire as fixes; gone: text that must not be
		// left in the output.
		removed []string
		gone    []string
		// warned: the warning that explains why the file is left as it is.
		warned string
	}{
		{file: kubexit + "ci/e2e-test/client-server/job.yaml", moved: []string{"server"}, removed: []string{"hack-kubexit"}, gone: kubexitGone},
		{file: kubexit + "examples/client-server-job/job.yaml", moved: []string{"server"}, removed: []string{"hack-kubexit"}, gone: kubexitGone},
		{file: kubexit + "examples/cloudsql-proxy-job/job.yaml", moved: []string{"cloudsql-proxy"}, removed: []string{"hack-kubexit"}, gone: kubexitGone},
		{file: "apache__druid/extensions-contrib/kubernetes-overlord-extensions/src/test/resources/expectedMultiContainerOutput.yaml", moved: []string{"sidecar"}, removed: []string{"hack-kubexit"}, gone: []string{"KUBEXIT_", "/kubexit/kubexit"}},
		// The folded scalar joins the curl onto the batch job's line: it is an argument,
		// not a call, so neither it nor the proxy it would stop can be touched.
		{file: cloudsql + "k8s-sidecar/job_with_shutdown_hook.yaml", warned: "hack-not-removed"},
		{file: cloudsql + "k8s-sidecar/job_with_sidecar.yaml"},
		{file: cloudsql + "k8s-health-check/proxy_with_http_health_check.yaml"},
		{file: cloudsql + "k8s-service/pgbouncer_deployment.yaml"},
		{file: cloudsql + "k8s-sidecar/proxy_with_sa_key.yaml"},
		{file: cloudsql + "k8s-sidecar/proxy_with_workload_identity.yaml"},
		{file: cloudsql + "k8s-sidecar/no_proxy_private_ip.yaml"},
		{file: cloudsql + "multi-container/ruby/multicontainer.yaml"},
		{file: "GoogleCloudPlatform__kubernetes-engine-samples/batch/airflow/cloud-sql-proxy.yaml"},
		{file: "GoogleCloudPlatform__kubernetes-engine-samples/cost-optimization/gke-shift-left-cost/samples/k8s-cost-estimator-github/wordpress/wordpress_deployment.yaml", moved: []string{"cloudsql-proxy"}},
		{file: istio + "job-old-version.yaml.injected", moved: []string{"istio-proxy"}},
		{file: istio + "cronjob-old-version.yaml.injected", moved: []string{"istio-proxy"}},
		{file: istio + "job.yaml.injected"},
		{file: istio + "cronjob.yaml.injected"},
		{file: istio + "job.yaml"},
		{file: website + "job-sidecar-legacy.yaml", moved: []string{"logshipper"}},
		{file: website + "job-sidecar.yaml"},
		{file: "linkerd__linkerd2/cli/cmd/testdata/inject_emojivoto_cronjob.input.yml"},
		{file: "linkerd__linkerd2/cli/cmd/testdata/inject_emojivoto_cronjob.golden.yml"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, tc.file))
			require.NoError(t, err)
			r := File(tc.file, data, migrate.Options{})
			require.NoError(t, r.Err)

			var moved, removed, warned []string
			for _, m := range r.Moved {
				moved = append(moved, m.Container)
			}
			for _, f := range r.Findings {
				switch {
				case f.Fixed && (f.Rule == "hack-kubexit" || f.Rule == "hack-exit-flag" || f.Rule == "hack-shutdown-call"):
					removed = append(removed, f.Rule)
				case f.Severity == migrate.Warning && f.Rule == "hack-not-removed":
					warned = append(warned, f.Rule)
				}
			}
			assert.ElementsMatch(t, tc.moved, moved, "moved containers")
			assert.ElementsMatch(t, tc.removed, removed, "workarounds removed")
			for _, s := range tc.gone {
				assert.NotContains(t, string(r.After), s, "left in the output")
			}
			if tc.warned != "" {
				assert.Contains(t, warned, tc.warned)
				assert.False(t, r.Changed(), "a file whose workaround stays is not rewritten")
			} else {
				assert.Empty(t, warned, "unexpected workaround warnings")
			}
			assert.Equal(t, len(tc.moved) > 0, r.Changed(), "changed exactly when something moves")
		})
	}
}
