package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/sidecar-migrate/sidecar-migrate/internal/report"
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

	out, code := runReport(t, "--format", "sarif", "--kube-version", "1.31", "../../testdata/examples", "testdata/report")
	require.Equal(t, exitFailed, code, "the broken file makes the run fail")
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	require.NoError(t, err)
	require.NoError(t, schema.Validate(doc))

	var log report.SARIFLog
	require.NoError(t, json.Unmarshal([]byte(out), &log))
	require.Len(t, log.Runs, 1)
	rules := log.Runs[0].Tool.Driver.Rules
	results := log.Runs[0].Results
	require.NotEmpty(t, results)
	for _, r := range results {
		assert.Equal(t, r.RuleID, rules[r.RuleIndex].ID, "ruleIndex points at the rule")
		assert.Len(t, r.Locations, 1, "code-scanning pages need a location for every result: %s", r.Message.Text)
	}
	assert.Equal(t, "input-error", results[len(results)-1].RuleID)
	assert.Contains(t, out, `"ruleId": "autoscaler-container"`)

	// The run's own finding is a notification about the configuration, not a result.
	require.Len(t, log.Runs[0].Invocations, 1)
	inv := log.Runs[0].Invocations[0]
	assert.False(t, inv.ExecutionSuccessful, "a file could not be processed")
	require.Len(t, inv.ToolConfigurationNotifications, 1)
	n := inv.ToolConfigurationNotifications[0]
	assert.Equal(t, "kube-version-beta", n.AssociatedRule.ID)
	assert.Equal(t, "kube-version-beta", rules[n.AssociatedRule.Index].ID)

	// The check can fail: a result or a notification with an unknown level is rejected, and
	// so is an invocation without executionSuccessful.
	for name, edit := range map[string]func(run map[string]any){
		"result level": func(run map[string]any) {
			run["results"].([]any)[0].(map[string]any)["level"] = "notice"
		},
		"notification level": func(run map[string]any) {
			inv := run["invocations"].([]any)[0].(map[string]any)
			inv["toolConfigurationNotifications"].([]any)[0].(map[string]any)["level"] = "notice"
		},
		"executionSuccessful": func(run map[string]any) {
			delete(run["invocations"].([]any)[0].(map[string]any), "executionSuccessful")
		},
	} {
		bad, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		require.NoError(t, err)
		require.NoError(t, schema.Validate(bad), "before the edit")
		edit(bad.(map[string]any)["runs"].([]any)[0].(map[string]any))
		require.Error(t, schema.Validate(bad), name)
	}
}

// TestReportJSON pins the JSON schema's fields for one finding and the summary.
func TestReportJSON(t *testing.T) {
	out, code := runReport(t, "--format", "json", "../../testdata/examples/report-job.yaml")
	require.Equal(t, 0, code)
	var r report.JSONReport
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.Equal(t, 1, r.Version)
	assert.Equal(t, report.JSONSummary{Files: 1, Workloads: 1, Sidecars: 1}, r.Summary)
	require.Len(t, r.Findings, 1)
	assert.Equal(t, report.JSONFinding{
		Rule: "image-cloud-sql-proxy-v2", Severity: "info", File: "../../testdata/examples/report-job.yaml", Line: 21, Column: 9,
		APIVersion: "batch/v1", Kind: "Job", Namespace: "finance", Name: "revenue-report", Container: "cloud-sql-proxy",
		Field:   "spec.template.spec.containers[name=cloud-sql-proxy]",
		Message: "moved to initContainers with restartPolicy: Always (image cloud-sql-connectors/cloud-sql-proxy: Cloud SQL Auth Proxy v2)", Fix: true,
	}, r.Findings[0])
}

// TestReportJSONRunAndAutoscaler pins the JSON of a finding about the whole run (no file, no
// position, no resource) and of a finding across documents.
func TestReportJSONRunAndAutoscaler(t *testing.T) {
	out, code := runReport(t, "--format", "json", "--kube-version", "1.29", "testdata/report/api.yaml")
	require.Equal(t, 0, code)
	var r report.JSONReport
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.Equal(t, report.JSONSummary{Files: 1, Workloads: 1, Sidecars: 1, Warnings: 3}, r.Summary)
	require.Len(t, r.Findings, 5)
	assert.Equal(t, report.JSONFinding{Rule: "kube-version-beta", Severity: "info",
		Message: "native sidecars are beta in Kubernetes 1.29 (on by default since 1.29, GA in 1.33)"}, r.Findings[0])
	assert.Equal(t, report.JSONFinding{Rule: "autoscaler-container", Severity: "warning", File: "testdata/report/api.yaml", Line: 26, Column: 22,
		APIVersion: "autoscaling.k8s.io/v1", Kind: "VerticalPodAutoscaler", Namespace: "shop", Name: "api", Container: "otel-agent",
		Field:   "spec.resourcePolicy.containerPolicies[containerName=otel-agent]",
		Message: "its containerPolicies entry names otel-agent, which moved to initContainers in Deployment/shop/api: the VPA skips init containers unless its NativeSidecar feature gate is on, so the sidecar gets no recommendation and the policy no longer applies",
	}, r.Findings[4])
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

// TestReportText pins the text report: groups by file, columns aligned across files, the
// run's finding first, a file error as a row, and the summary.
func TestReportText(t *testing.T) {
	out, code := runReport(t, "--kube-version", "1.30", "testdata/report")
	require.Equal(t, exitFailed, code)
	assert.Equal(t, `(all files)
  -      info     kube-version-beta      -                               -           native sidecars are beta in Kubernetes 1.30 (on by default since 1.29, GA in 1.33)
testdata/report/api.yaml
  10:9   info     image-otel-collector   Deployment/shop/api             otel-agent  moved to initContainers with restartPolicy: Always (image otel/opentelemetry-collector-contrib: OpenTelemetry Collector as an agent)
  10:9   warning  default-container      Deployment/shop/api             otel-agent  it was containers[0], kubectl's default container for logs and exec; api is now; add the pod annotation kubectl.kubernetes.io/default-container: api if scripts rely on the default
  10:9   warning  sidecar-startup-probe  Deployment/shop/api             otel-agent  it has a readinessProbe but no startupProbe: the app now starts once the sidecar has started, not once it is ready; a startupProbe restores that (--startup-probe from-readiness adds one)
  26:22  warning  autoscaler-container   VerticalPodAutoscaler/shop/api  otel-agent  its containerPolicies entry names otel-agent, which moved to initContainers in Deployment/shop/api: the VPA skips init containers unless its NativeSidecar feature gate is on, so the sidecar gets no recommendation and the policy no longer applies
testdata/report/broken.yaml
  5:1    error    input-error            -                               -           invalid YAML: did not find expected node content

2 files scanned (1 to change), 1 workload: 1 sidecar to migrate, 0 workarounds to remove, 3 warnings, 1 error
`, out)
}
