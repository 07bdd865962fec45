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
	for _, file := range []string{"web-deployment.yaml", "db-statefulset.yaml", "report-job.yaml", "nightly-cronjob.yaml"} {
		assert.Contains(t, diff, "+++ b/../../testdata/examples/"+file)
	}
	assert.NotContains(t, diff, "worker-peers.yaml")
	for _, sidecar := range []string{"istio-proxy", "log-shipper", "vault-agent", "cloud-sql-proxy", "cloudsql-proxy"} {
		assert.Contains(t, stderr.String(), "container "+sidecar+": moved to initContainers", sidecar)
	}
	assert.Equal(t, 5, strings.Count(diff, "+        restartPolicy: Always")+strings.Count(diff, "+          restartPolicy: Always")+strings.Count(diff, "+              restartPolicy: Always"))
	assert.Contains(t, stderr.String(), " files scanned, 4 changed, 5 sidecars moved")
}
