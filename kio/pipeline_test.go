package kio

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScanFor checks the chunked pre-check: the word is found across chunk boundaries, and
// binary or non-UTF-8 content is rejected with its line.
func TestScanFor(t *testing.T) {
	long := strings.Repeat("x: y\n", 20000) // more than one 64 KiB chunk
	cases := []struct {
		name  string
		data  string
		found bool
		err   string
	}{
		{"absent", long, false, ""},
		{"present late", long + "containers: []\n", true, ""},
		{"across a chunk boundary", strings.Repeat("a", 64<<10-4) + "containers", true, ""},
		{"rune across a chunk boundary", strings.Repeat("a", 64<<10-1) + "é\ncontainer", true, ""},
		{"NUL byte", "a: b\nc: \x00\n", false, "2: binary content"},
		{"invalid UTF-8", "a: b\nc: d\ne: \xff\n", false, "3: not UTF-8 text"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Whole chunks, and one byte at a time to exercise every boundary.
			for _, r := range []io.Reader{strings.NewReader(c.data), iotest.OneByteReader(strings.NewReader(c.data))} {
				found, err := scanFor(r, "container")
				if c.err != "" {
					require.NotNil(t, err)
					assert.Contains(t, err.Error(), c.err)
					continue
				}
				require.Nil(t, err)
				assert.Equal(t, c.found, found)
			}
		})
	}
}

// TestRunOrder: results come in input order whatever the scheduling, files without a
// container are not held, and files that change carry their content.
func TestRunOrder(t *testing.T) {
	dir := t.TempDir()
	var inputs []Input
	for i := range 40 {
		body := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
		if i%3 == 0 {
			body = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: a\n  - name: log-sidecar\n    image: b\n"
		}
		p := filepath.Join(dir, strings.Repeat("f", 1+i%5)+string(rune('a'+i%26))+".yaml")
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		inputs = append(inputs, Input{Path: p})
	}
	var got []string
	Run(Inputs(inputs), 4, migrate.Options{}, func(r FileResult) {
		got = append(got, r.Path)
		require.NoError(t, r.Err)
		if r.Changed() {
			assert.True(t, bytes.Contains(r.After, []byte("initContainers")))
		} else {
			assert.Nil(t, r.Before, "a file without containers is not held in memory")
		}
	})
	var want []string
	for _, in := range inputs {
		want = append(want, in.Path)
	}
	assert.Equal(t, want, got)
}
