package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var job = migrate.Resource{APIVersion: "batch/v1", Kind: "Job", Name: "export"}

func sample() ([]File, Summary) {
	files := []File{
		{Findings: []migrate.Finding{{Rule: "kube-version-beta", Severity: migrate.Info, Message: "about the run"}}},
		{Path: "deploy/job.yaml", Findings: []migrate.Finding{
			{Rule: "image-cloud-sql-proxy-v2", Severity: migrate.Info, Line: 12, Column: 7, Resource: job, Container: "cloud-sql-proxy", Message: "moved", Fixed: true},
			{Rule: "hack-not-removed", Severity: migrate.Warning, Line: 30, Resource: job, Container: "app", Message: "kept", Ignored: "reviewed"},
		}},
		{Path: "deploy/broken.yaml", Err: errors.New("line 4: mapping values are not allowed here")},
	}
	return files, Summary{Files: 3, Changed: 1, Failed: 1, Warnings: 1, Stats: migrate.Stats{Workloads: 1, Sidecars: 1}}
}

func TestText(t *testing.T) {
	files, sum := sample()
	var b bytes.Buffer
	require.NoError(t, Write(&b, "text", files, sum, Tool{}))
	assert.Equal(t, `(all files)
  -     info     kube-version-beta         -           -                about the run
deploy/job.yaml
  12:7  info     image-cloud-sql-proxy-v2  Job/export  cloud-sql-proxy  moved
  30    warning  hack-not-removed          Job/export  app              ignored (reviewed): kept
deploy/broken.yaml
  -     error    input-error               -           -                line 4: mapping values are not allowed here

3 files scanned (1 to change), 1 workload: 1 sidecar to migrate, 0 workarounds to remove, 1 warning, 1 error
`, b.String())
	assert.Equal(t, "3 files scanned, 1 changed, 1 sidecar moved, 0 workarounds removed, 1 warning, 1 error", sum.String())
}

func TestJSON(t *testing.T) {
	files, sum := sample()
	var b bytes.Buffer
	require.NoError(t, Write(&b, "json", files, sum, Tool{}))
	var r JSONReport
	require.NoError(t, json.Unmarshal(b.Bytes(), &r))
	assert.Equal(t, JSONSummary{Files: 3, Workloads: 1, Sidecars: 1, Warnings: 1, Errors: 1}, r.Summary)
	require.Len(t, r.Findings, 4)
	assert.Equal(t, JSONFinding{Rule: "image-cloud-sql-proxy-v2", Severity: "info", File: "deploy/job.yaml", Line: 12, Column: 7,
		APIVersion: "batch/v1", Kind: "Job", Name: "export", Container: "cloud-sql-proxy", Message: "moved", Fix: true}, r.Findings[1])
	assert.Equal(t, "reviewed", r.Findings[2].Ignored)
	assert.Equal(t, JSONFinding{Rule: migrate.RuleInputError, Severity: "error", File: "deploy/broken.yaml", Message: "line 4: mapping values are not allowed here"}, r.Findings[3])
}

func TestSARIF(t *testing.T) {
	files, sum := sample()
	root, err := os.Getwd() // relative paths are resolved against the current folder
	require.NoError(t, err)
	files = append(files, File{Path: "-", Findings: []migrate.Finding{{Rule: "image-cloud-sql-proxy-v2", Line: 3, Message: "from stdin"}}},
		File{Path: filepath.Join(filepath.Dir(root), "elsewhere.yaml"), Findings: []migrate.Finding{{Rule: "image-cloud-sql-proxy-v2", Line: 3, Message: "outside"}}})
	var b bytes.Buffer
	require.NoError(t, SARIF(&b, files, sum, Tool{Version: "v9.9.9", Root: root, Stdin: "-"}))
	var log SARIFLog
	require.NoError(t, json.Unmarshal(b.Bytes(), &log))
	run := log.Runs[0]
	assert.Equal(t, "v9.9.9", run.Tool.Driver.Version)
	assert.False(t, run.Invocations[0].ExecutionSuccessful, "a file failed")
	require.Len(t, run.Invocations[0].ToolConfigurationNotifications, 1, "the run's finding is a notification")
	require.Len(t, run.Results, 5)
	rules := run.Tool.Driver.Rules
	for _, r := range run.Results {
		assert.Equal(t, r.RuleID, rules[r.RuleIndex].ID)
	}
	assert.Empty(t, run.Results[0].Suppressions)
	require.Len(t, run.Results[1].Suppressions, 1)
	assert.Equal(t, "reviewed", run.Results[1].Suppressions[0].Justification)
	assert.Equal(t, "deploy/broken.yaml", run.Results[2].Locations[0].PhysicalLocation.ArtifactLocation.URI)
	assert.Equal(t, 1, run.Results[2].Locations[0].PhysicalLocation.Region.StartLine, "a file-level error points at line 1")
	assert.Nil(t, run.Results[3].Locations, "standard input has no location")
	outside := run.Results[4].Locations[0].PhysicalLocation.ArtifactLocation
	assert.Equal(t, "file://"+filepath.ToSlash(filepath.Join(filepath.Dir(root), "elsewhere.yaml")), outside.URI, "never a ../ URI")
	assert.Empty(t, outside.URIBaseID)
}

func TestWriteUnknownFormat(t *testing.T) {
	assert.EqualError(t, Write(&bytes.Buffer{}, "xml", nil, Summary{}, Tool{}), `--format "xml": want text, json, sarif`)
}

func TestRulesMarkdownListsEveryRule(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, RulesMarkdown(&b))
	for _, r := range rule.All() {
		assert.Contains(t, b.String(), "| `"+r.ID+"` | "+r.ConfidenceText()+" |")
	}
}
