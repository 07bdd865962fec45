package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/internal/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReportSARIFCodeScanning checks what GitHub's code scanning documents for uploaded SARIF
// ("SARIF support for code scanning"): at most 20 runs, 25,000 results and 25,000 rules a run
// and 1,000 locations a result; a message, a rule id and a physical location with a region for
// every result; URIs relative to a uriBaseId (or absolute file: URIs), never "../"; and
// partialFingerprints that stay the same from one run to the next.
func TestReportSARIFCodeScanning(t *testing.T) {
	args := []string{"--format", "sarif", "--kube-version", "1.31", "../../testdata/examples", "testdata/report"}
	out, _ := runReport(t, args...)
	again, _ := runReport(t, args...)
	var log, log2 report.SARIFLog
	require.NoError(t, json.Unmarshal([]byte(out), &log))
	require.NoError(t, json.Unmarshal([]byte(again), &log2))

	require.LessOrEqual(t, len(log.Runs), 20)
	run := log.Runs[0]
	rules := run.Tool.Driver.Rules
	require.LessOrEqual(t, len(run.Results), 25000)
	require.LessOrEqual(t, len(rules), 25000)
	base, ok := run.OriginalURIBaseIDs[report.SrcRoot]
	require.True(t, ok, "originalUriBaseIds names %s", report.SrcRoot)
	u, err := url.Parse(base.URI)
	require.NoError(t, err)
	assert.Equal(t, "file", u.Scheme)
	assert.True(t, strings.HasSuffix(u.Path, "/"), "a base URI ends with a slash")

	seen := map[string]bool{}
	for i, r := range run.Results {
		assert.NotEmpty(t, r.Message.Text)
		assert.Equal(t, r.RuleID, rules[r.RuleIndex].ID)
		require.Len(t, r.Locations, 1)
		loc := r.Locations[0].PhysicalLocation
		assert.Equal(t, report.SrcRoot, loc.ArtifactLocation.URIBaseID)
		assert.NotContains(t, loc.ArtifactLocation.URI, "..", "no ../ URI")
		assert.False(t, strings.HasPrefix(loc.ArtifactLocation.URI, "/"), "relative to %s", report.SrcRoot)
		require.NotNil(t, loc.Region, "every result has a region: %s", r.Message.Text)
		assert.GreaterOrEqual(t, loc.Region.StartLine, 1)
		fp := r.PartialFingerprints["sidecarMigrate/v1"]
		require.NotEmpty(t, fp)
		assert.False(t, seen[fp], "fingerprints are unique: %s", r.Message.Text)
		seen[fp] = true
		assert.Equal(t, r.PartialFingerprints, log2.Runs[0].Results[i].PartialFingerprints, "stable across runs")
	}
	last := run.Results[len(run.Results)-1]
	assert.Equal(t, "input-error", last.RuleID)
	assert.Equal(t, "cmd/sidecar-migrate/testdata/report/broken.yaml", last.Locations[0].PhysicalLocation.ArtifactLocation.URI)
	assert.Equal(t, 5, last.Locations[0].PhysicalLocation.Region.StartLine, "the line of the YAML error: the end, where the list never closed")
	assert.Equal(t, 1, last.Locations[0].PhysicalLocation.Region.StartColumn, "and its column")

	// Each rule explains itself: its own description and help, a link to its README section.
	full, help := map[string]string{}, map[string]string{}
	for _, r := range rules {
		assert.NotContains(t, full, r.FullDescription.Text, "%s shares its fullDescription", r.ID)
		full[r.FullDescription.Text] = r.ID
		assert.NotContains(t, help, r.Help.Markdown, "%s shares its help", r.ID)
		help[r.Help.Markdown] = r.ID
		assert.Contains(t, r.Help.Markdown, r.ID)
		assert.True(t, strings.HasPrefix(r.HelpURI, report.ProjectURL+"#"), r.HelpURI)
	}
	assert.Equal(t, report.ProjectURL+"#job-workarounds", rules[indexOf(rules, "hack-shutdown-call")].HelpURI)
}

func indexOf(rules []report.SARIFRule, id string) int {
	for i, r := range rules {
		if r.ID == id {
			return i
		}
	}
	return -1
}
