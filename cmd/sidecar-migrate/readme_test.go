package main

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/internal/report"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the README's rule table")

// TestReadmeRules keeps the README's rule table equal to `sidecar-migrate rules --markdown`;
// -update rewrites it.
func TestReadmeRules(t *testing.T) {
	const path, begin, end = "../../README.md", "<!-- rules:", "<!-- /rules -->"
	readme, err := os.ReadFile(path)
	require.NoError(t, err)
	text := string(readme)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	require.True(t, i >= 0 && j > i, "the README needs the %s ... %s markers", begin, end)
	i += strings.Index(text[i:], "\n") + 1
	var table bytes.Buffer
	require.NoError(t, report.RulesMarkdown(&table))
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(text[:i]+table.String()+text[j:]), 0o644))
		return
	}
	if text[i:j] != table.String() {
		t.Fatal("the README's rule table is stale: go test ./cmd/sidecar-migrate -run TestReadmeRules -update")
	}
}
