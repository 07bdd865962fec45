package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/internal/gentree/gen"
	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInterruptedApply sends SIGINT to the real binary while `apply` runs over a generated
// tree: it exits non-zero with a summary, and every file is exactly its old or its new self.
func TestInterruptedApply(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("builds the binary and a tree of files")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)

	tree := filepath.Join(dir, "tree")
	_, err := gen.Tree(tree, 3000, 7)
	require.NoError(t, err)
	before := map[string][]byte{}
	require.NoError(t, filepath.WalkDir(tree, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			before[p], err = os.ReadFile(p)
		}
		return err
	}))

	code, stderr := interruptApply(t, bin, tree)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "interrupted")
	assert.Contains(t, stderr, "files scanned")

	changed := 0
	for p, old := range before {
		now, err := os.ReadFile(p)
		require.NoError(t, err)
		if bytes.Equal(now, old) {
			continue
		}
		changed++
		want := kio.File(p, old, migrate.Options{}).After
		assert.Equal(t, string(want), string(now), "%s is neither the old nor the new file", p)
	}
	assert.GreaterOrEqual(t, changed, 20, "the files reported written were written")
	assert.Less(t, changed, 600, "the run stopped early (about 600 of the 3000 files have sidecars)")
	matches, _ := filepath.Glob(filepath.Join(tree, "*", "*", ".*sidecar-migrate-*"))
	assert.Empty(t, matches, "no temporary file is left behind")
}

// TestInterruptedRepository interrupts `apply` after it wrote a base and before it reached
// the overlay whose patch follows it: the base is written back, so the overlay still builds
// what it built.
func TestInterruptedRepository(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("builds the binary and a tree of files")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)

	// The walk is lexical: the base comes first, the generated tree, then the overlay.
	tree := filepath.Join(dir, "tree")
	_, err := gen.Tree(tree, 3000, 7)
	require.NoError(t, err)
	files := map[string]string{
		"a-base/kustomization.yaml": "resources: [web.yaml]\n",
		"a-base/web.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - {name: istio-proxy, image: docker.io/istio/proxyv2:1.24.2}
      - {name: web, image: example.com/web:1}
`,
		"zz-overlay/kustomization.yaml": `resources: [../a-base]
patches:
- target: {kind: Deployment, name: web}
  patch: '[{op: add, path: /spec/template/spec/containers/1/args, value: [--debug]}]'
`,
	}
	for name, text := range files {
		require.NoError(t, os.MkdirAll(filepath.Join(tree, filepath.Dir(name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(tree, name), []byte(text), 0o644))
	}

	_, stderr := interruptApply(t, bin, tree)
	require.Contains(t, stderr, "interrupted")
	assert.Contains(t, stderr, "a-base/web.yaml: rolled back: the run stopped before every file of its kustomization root was written")
	for name, text := range files {
		now, err := os.ReadFile(filepath.Join(tree, name))
		require.NoError(t, err)
		assert.Equal(t, text, string(now), "%s is as it was", name)
	}
}

// interruptApply runs `apply` over tree and sends it SIGINT once it has reported 20 files
// written; the run must exit non-zero. It returns the exit status and stderr.
func interruptApply(t *testing.T, bin, tree string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, "apply", "--allow-no-vcs", "--jobs", "1", tree)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	lines := bufio.NewScanner(stdout)
	written := 0
	for lines.Scan() {
		if written++; written == 20 {
			require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
		}
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "an interrupted run exits non-zero")
	return exit.ExitCode(), stderr.String()
}
