package kio

import (
	"bytes"
	"context"
	"io"
	"io/fs"
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
// binary or non-UTF-8 content is rejected with its line; content that fits in the buffer is
// returned whole, so that it is read only once.
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
		{"small", "spec:\n  containers: []\n", true, ""},
		{"exactly one buffer", strings.Repeat("a", scanSize-len("container")) + "container", true, ""},
		{"empty", "", false, ""},
		{"across a chunk boundary", strings.Repeat("a", 64<<10-4) + "containers", true, ""},
		{"the second word across a chunk boundary", strings.Repeat("a", 64<<10-4) + "ConfigMap", false, ""},
		{"rune across a chunk boundary", strings.Repeat("a", 64<<10-1) + "é\ncontainer", true, ""},
		{"NUL byte", "a: b\nc: \x00\n", false, "2: binary content"},
		{"invalid UTF-8", "a: b\nc: d\ne: \xff\n", false, "3: not UTF-8 text"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Whole chunks, and one byte at a time to exercise every boundary.
			for _, r := range []io.Reader{strings.NewReader(c.data), iotest.OneByteReader(strings.NewReader(c.data))} {
				found, whole, err := scanFor(r, [2]string{"container", "ConfigMap"}, make([]byte, scanSize))
				if c.err != "" {
					require.NotNil(t, err)
					assert.Contains(t, err.Error(), c.err)
					continue
				}
				require.Nil(t, err)
				assert.Equal(t, [2]bool{c.found, strings.Contains(c.data, "ConfigMap")}, found)
				if len(c.data) < scanSize {
					assert.Equal(t, c.data, string(whole))
				} else {
					assert.Nil(t, whole, "a file larger than the buffer is not returned whole")
				}
			}
		})
	}
}

// TestTreeOrder: results come in input order whatever the scheduling, files without a
// container are not held, and files that change carry their content.
func TestTreeOrder(t *testing.T) {
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
	Tree(context.Background(), Inputs(inputs), 4, migrate.Options{}, nil, Emit{File: func(r FileResult) {
		got = append(got, r.Path)
		require.NoError(t, r.Err)
		if r.Changed() {
			assert.True(t, bytes.Contains(r.After, []byte("initContainers")))
		} else {
			assert.Nil(t, r.Before, "a file without containers is not held in memory")
		}
	}})
	var want []string
	for _, in := range inputs {
		want = append(want, in.Path)
	}
	assert.Equal(t, want, got)
}

// TestTreeLargeFile: a file larger than the read buffer, with its workload at the end, is
// read whole and migrated, and its content is kept byte for byte outside the change.
func TestTreeLargeFile(t *testing.T) {
	pad := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n" + strings.Repeat("  k: \"é value\"\n", 10000)
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: a\n  - name: log-sidecar\n    image: b\n"
	body := pad + "---\n" + pod
	require.Greater(t, len(body), 2*scanSize)
	p := filepath.Join(t.TempDir(), "big.yaml")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	n := 0
	Tree(context.Background(), Inputs([]Input{{Path: p}}), 1, migrate.Options{}, nil, Emit{File: func(r FileResult) {
		n++
		require.NoError(t, r.Err)
		assert.Equal(t, body, string(r.Before))
		require.True(t, r.Changed())
		assert.True(t, strings.HasPrefix(string(r.After), pad+"---\n"), "the ConfigMap is kept byte for byte")
		assert.Contains(t, string(r.After), "initContainers")
	}})
	assert.Equal(t, 1, n)
}

// TestTreeUnreadableFile: a file that cannot be opened is an error naming it; the files after
// it are still migrated.
func TestTreeUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can read any file")
	}
	dir := t.TempDir()
	secret, good := filepath.Join(dir, "secret.yaml"), filepath.Join(dir, "good.yaml")
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: a\n  - name: log-sidecar\n    image: b\n"
	require.NoError(t, os.WriteFile(secret, []byte(pod), 0o000))
	require.NoError(t, os.WriteFile(good, []byte(pod), 0o644))
	var results []FileResult
	Tree(context.Background(), Inputs([]Input{{Path: secret}, {Path: good}}), 1, migrate.Options{}, nil, Emit{File: func(r FileResult) {
		results = append(results, r)
	}})
	require.Len(t, results, 2)
	require.ErrorIs(t, results[0].Err, fs.ErrPermission)
	assert.Contains(t, results[0].Err.Error(), secret)
	assert.True(t, results[1].Changed())
}
