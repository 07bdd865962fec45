package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runReport runs `sidecar-migrate report` with args and returns stdout and the exit status.
func runReport(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"report"}, args...), strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), code
}

// TestReportSARIFValid checks the SARIF output against the official SARIF 2.1.0 JSON schema
// ($SARIF_SCHEMA, installed by make tools from the npm registry).
func TestReportSARIFValid(t *testing.T) {
	schemaPath := os.Getenv("SARIF_SCHEMA")
	if _, err := os.Stat(schemaPath); err != nil {
		if os.Getenv("SIDECAR_MIGRATE_E2E") == "required" {
			t.Fatalf("$SARIF_SCHEMA=%q: %v (make tools installs it)", schemaPath, err)
		}
		t.Skipf("no SARIF schema at $SARIF_SCHEMA=%q (make tools installs it)", schemaPath)
	}
	c := jsonschema.NewCompiler()
	schema, err := c.Compile(schemaPath)
	require.NoError(t, err)

	out, code := runReport(t, "--format", "sarif", "../../testdata/examples", "testdata/report/broken.yaml")
	require.Equal(t, exitFailed, code, "the broken file makes the run fail")
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	require.NoError(t, err)
	require.NoError(t, schema.Validate(doc))

	var log sarifLog
	require.NoError(t, json.Unmarshal([]byte(out), &log))
	require.Len(t, log.Runs, 1)
	results := log.Runs[0].Results
	require.NotEmpty(t, results)
	for _, r := range results {
		assert.Equal(t, r.RuleID, log.Runs[0].Tool.Driver.Rules[r.RuleIndex].ID, "ruleIndex points at the rule")
	}
	assert.Equal(t, "input-error", results[len(results)-1].RuleID)

	// The check can fail: a result with an unknown level is rejected.
	bad := strings.Replace(out, `"level": "note"`, `"level": "notice"`, 1)
	doc, err = jsonschema.UnmarshalJSON(strings.NewReader(bad))
	require.NoError(t, err)
	require.Error(t, schema.Validate(doc))
}

// TestReportJSON pins the JSON schema's fields for one finding and the summary.
func TestReportJSON(t *testing.T) {
	out, code := runReport(t, "--format", "json", "../../testdata/examples/report-job.yaml")
	require.Equal(t, 0, code)
	var r jsonReport
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.Equal(t, 1, r.Version)
	assert.Equal(t, jsonSummary{Files: 1, Workloads: 1, Sidecars: 1}, r.Summary)
	require.Len(t, r.Findings, 1)
	assert.Equal(t, jsonFinding{
		Rule: "image-cloud-sql-proxy-v2", Severity: "info", File: "../../testdata/examples/report-job.yaml", Line: 21, Column: 9,
		APIVersion: "batch/v1", Kind: "Job", Namespace: "finance", Name: "revenue-report", Container: "cloud-sql-proxy",
		Field:   "spec.template.spec.containers[name=cloud-sql-proxy]",
		Message: "moved to initContainers with restartPolicy: Always (image cloud-sql-connectors/cloud-sql-proxy: Cloud SQL Auth Proxy v2)", Fix: true,
	}, r.Findings[0])
}

// TestReportExitCode: --exit-code exits 1 while something is left to migrate, 0 after.
func TestReportExitCode(t *testing.T) {
	_, code := runReport(t, "--exit-code", "../../testdata/examples")
	assert.Equal(t, exitPending, code)
	_, code = runReport(t, "--exit-code", "../../testdata/examples/worker-peers.yaml")
	assert.Equal(t, exitOK, code)
	_, code = runReport(t, "--format", "xml", "../../testdata/examples")
	assert.Equal(t, exitFailed, code)
}
