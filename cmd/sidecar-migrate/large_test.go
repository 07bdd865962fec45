package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/internal/gentree/gen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildBinary builds the command into dir and returns its path.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "sidecar-migrate")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

// TestLargeManifest runs the real binary on one 100 MB install manifest (large CRDs,
// ConfigMaps, Services and a few workloads with sidecars): diff and apply both work, and the
// process's peak memory stays well under 1 GB. The run's speed is measured by make bench.
func TestLargeManifest(t *testing.T) {
	if testing.Short() || runtime.GOOS != "linux" {
		t.Skip("writes a 100 MB file; peak memory is read from Linux's rusage")
	}
	const limit = 768 << 20
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	file := filepath.Join(dir, "install.yaml")
	before := gen.Install(1, 100<<20)
	require.NoError(t, os.WriteFile(file, []byte(before), 0o644))

	for _, args := range [][]string{{"diff", file}, {"apply", "--allow-no-vcs", file}} {
		cmd := exec.Command(bin, args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Run(), stderr.String())
		assert.Contains(t, stderr.String(), "1 changed, 22 sidecars moved", args[0])
		peak := int64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) << 10 // KiB on Linux
		t.Logf("%s of %d MB: peak memory %d MB", args[0], len(before)>>20, peak>>20)
		assert.Less(t, peak, int64(limit), "%s: peak memory", args[0])
		if args[0] == "diff" {
			moves := regexp.MustCompile(`(?m)^\+ +restartPolicy: Always$`).FindAllIndex(stdout.Bytes(), -1)
			assert.Len(t, moves, 22, "the diff shows every move")
		}
	}
	after, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.NotEqual(t, before, string(after))
	assert.Equal(t, len(strings.Split(before, "\n---\n")), len(strings.Split(string(after), "\n---\n")), "every document is kept")
}
