package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadmeRules keeps the README's rule table equal to `sidecar-migrate rules --markdown`.
func TestReadmeRules(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	var table bytes.Buffer
	require.NoError(t, printRulesMarkdown(&table))
	require.Contains(t, string(readme), table.String(), "update the README's rule table: sidecar-migrate rules --markdown")
}
