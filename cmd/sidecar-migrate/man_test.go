package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra/doc"
	"github.com/stretchr/testify/require"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/man from the commands' help (make docs)")

// manDate is the date in the man pages' footer, fixed so that they change only with the help.
var manDate = time.Date(2026, time.December, 7, 0, 0, 0, 0, time.UTC)

// TestManPages generates the man pages from the commands and compares them with docs/man:
// run make docs after changing a command's help.
func TestManPages(t *testing.T) {
	root := newRootCmd(streams{in: strings.NewReader(""), out: io.Discard, err: io.Discard})
	root.DisableAutoGenTag = true
	dir := t.TempDir()
	header := &doc.GenManHeader{Title: "SIDECAR-MIGRATE", Section: "1", Source: "sidecar-migrate", Manual: "sidecar-migrate manual", Date: &manDate}
	require.NoError(t, doc.GenManTree(root, header, dir))

	const committed = "../../docs/man"
	if *updateDocs {
		require.NoError(t, os.RemoveAll(committed))
		require.NoError(t, os.CopyFS(committed, os.DirFS(dir)))
		return
	}
	want, err := filepath.Glob(filepath.Join(dir, "*.1"))
	require.NoError(t, err)
	have, err := filepath.Glob(filepath.Join(committed, "*.1"))
	require.NoError(t, err)
	require.Equal(t, len(want), len(have), "docs/man has other pages than the commands: run make docs")
	for _, w := range want {
		gen, err := os.ReadFile(w)
		require.NoError(t, err)
		old, err := os.ReadFile(filepath.Join(committed, filepath.Base(w)))
		require.NoError(t, err, "run make docs")
		require.Equal(t, string(gen), string(old), "%s is stale: run make docs", filepath.Base(w))
	}
}
