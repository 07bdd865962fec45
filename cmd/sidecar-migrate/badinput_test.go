package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGeneratedBadInput covers inputs a txtar file cannot hold: binary content, bytes that are
// not UTF-8, deep nesting, a very long line. Each broken file gets one FILE:LINE error, exit 2,
// and stays as it was; the good file beside them is migrated.
func TestGeneratedBadInput(t *testing.T) {
	dir := t.TempDir()
	good := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: a\n  - name: log-sidecar\n    image: b\n"
	files := map[string]string{
		"binary.yaml":  "apiVersion: v1\nkind: Pod\n\x00\x01\x02containers\x7f\n",
		"latin1.yaml":  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf\xe9\nspec:\n  containers: []\n",
		"deep.yaml":    "containers: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n",
		"long.yaml":    strings.Replace(good, "image: a", "image: a\n    args: [\""+strings.Repeat("x", 1<<20)+"\"]", 1),
		"good.yaml":    good,
		"bomb.yaml":    strings.Replace(good, "spec:\n", laughs(9)+"spec:\n", 1),
		"helm.yaml":    strings.Replace(good, "name: p", "name: {{ .Release.Name }}", 1),
		"helm-if.yaml": "{{- if .Values.enabled }}\n" + good + "{{- end }}\n",
	}
	for name, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644))
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"apply", "--allow-no-vcs", dir}, strings.NewReader(""), &stdout, &stderr)
	assert.Equal(t, exitFailed, code)
	errs := stderr.String()
	assert.Contains(t, errs, filepath.Join(dir, "binary.yaml")+":3: error: binary content (a NUL byte), not YAML")
	assert.Contains(t, errs, filepath.Join(dir, "latin1.yaml")+":4: error: not UTF-8 text")
	assert.Contains(t, errs, filepath.Join(dir, "deep.yaml")+":1:10013: error: invalid YAML: exceeded max depth")
	assert.Contains(t, errs, filepath.Join(dir, "bomb.yaml")+":12:12: error: YAML aliases here stand for more than 1000000 nodes")
	assert.Contains(t, errs, filepath.Join(dir, "helm.yaml")+":4: error: a template action ({{ ... }}), not YAML: render the template first")
	assert.Contains(t, errs, filepath.Join(dir, "helm-if.yaml")+":1: error: a template action ({{ ... }}), not YAML")
	assert.Contains(t, stdout.String(), filepath.Join(dir, "long.yaml")+": 1 sidecar moved")
	assert.Contains(t, stdout.String(), filepath.Join(dir, "good.yaml")+": 1 sidecar moved")
	for _, name := range []string{"binary.yaml", "latin1.yaml", "deep.yaml", "bomb.yaml", "helm.yaml", "helm-if.yaml"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Equal(t, files[name], string(data), "%s must not be written", name)
	}
	long, err := os.ReadFile(filepath.Join(dir, "long.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(long), strings.Repeat("x", 1<<20), "a long line is kept whole")
}

// laughs returns a "billion laughs" mapping of n levels, each alias list nine times the last:
// a few lines that stand for 9^n nodes once expanded.
func laughs(n int) string {
	var b strings.Builder
	b.WriteString("lol:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < n; i++ {
		prev := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "  l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(prev+", ", 9), ", "))
	}
	return b.String()
}
