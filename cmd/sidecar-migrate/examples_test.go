package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExamples runs the README's command on testdata/examples: every sidecar moves, the peer
// apps do not, and the diff touches only the files that have sidecars.
func TestExamples(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"diff", "../../testdata/examples"}, strings.NewReader(""), &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	diff := stdout.String()
	for _, file := range []string{"web-deployment.yaml", "db-statefulset.yaml", "report-job.yaml", "nightly-cronjob.yaml", "checkout-autoscaled.yaml"} {
		assert.Contains(t, diff, "+++ b/../../testdata/examples/"+file)
	}
	assert.NotContains(t, diff, "worker-peers.yaml")
	for _, sidecar := range []string{"istio-proxy", "log-shipper", "vault-agent", "cloud-sql-proxy", "cloudsql-proxy", "otel-agent"} {
		assert.Contains(t, stderr.String(), "container "+sidecar+": moved to initContainers", sidecar)
	}
	// The autoscaler in the same file as its workload: the VPA entry warns, the HPA on the
	// app's own container does not.
	assert.Contains(t, stderr.String(), "warning autoscaler-container VerticalPodAutoscaler/shop/checkout container otel-agent:")
	assert.NotContains(t, stderr.String(), "HorizontalPodAutoscaler/shop/checkout")
	assert.Equal(t, 6, strings.Count(diff, "+        restartPolicy: Always")+strings.Count(diff, "+          restartPolicy: Always")+strings.Count(diff, "+              restartPolicy: Always"))
	assert.Contains(t, stderr.String(), " files scanned, 5 changed, 6 sidecars moved")
}
