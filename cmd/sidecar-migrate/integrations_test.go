package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestPreCommitHooks runs each hook's entry as pre-commit does (the entry, then the staged
// file names): the check fails on a legacy sidecar, the fix migrates it.
func TestPreCommitHooks(t *testing.T) {
	data, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	require.NoError(t, err)
	var hooks []struct{ ID, Entry, Language string }
	require.NoError(t, yaml.Unmarshal(data, &hooks))
	want := map[string]int{"sidecar-migrate": exitPending, "sidecar-migrate-apply": exitOK}
	require.Len(t, hooks, len(want))
	for _, h := range hooks {
		code, ok := want[h.ID]
		require.True(t, ok, h.ID)
		// pre-commit runs in a repository, with the file staged.
		dir := t.TempDir()
		file := filepath.Join(dir, "web.yaml")
		require.NoError(t, os.WriteFile(file, []byte(sidecarPod), 0o644))
		for _, git := range [][]string{{"init", "-q"}, {"add", "web.yaml"}} {
			cmd := exec.Command("git", append([]string{"-C", dir}, git...)...)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "git %v: %s", git, out)
		}
		args := strings.Fields(h.Entry)
		require.Equal(t, "sidecar-migrate", args[0])
		var out, errOut bytes.Buffer
		require.Equal(t, code, run(append(args[1:], file), strings.NewReader(""), &out, &errOut), "%s: %s", h.ID, errOut.String())
		after, err := os.ReadFile(file)
		require.NoError(t, err)
		require.Equal(t, h.ID == "sidecar-migrate-apply", strings.Contains(string(after), "initContainers"), h.ID)
	}
}

// TestAction checks that action.yml's inputs are the ones its script reads and that the
// commands it runs are accepted as written.
func TestAction(t *testing.T) {
	data, err := os.ReadFile("../../action.yml")
	require.NoError(t, err)
	var action struct {
		Inputs map[string]struct{ Default string }
		Runs   struct {
			Using string
			Steps []struct{ Run string }
		}
	}
	require.NoError(t, yaml.Unmarshal(data, &action))
	require.Equal(t, "composite", action.Runs.Using)
	for _, in := range []string{"paths", "config", "kube-version", "format", "output", "version"} {
		require.Contains(t, action.Inputs, in)
		require.Contains(t, string(data), "${{ inputs."+in+" }}")
	}
	file := filepath.Join(t.TempDir(), "web.yaml")
	require.NoError(t, os.WriteFile(file, []byte(sidecarPod), 0o644))
	var out, errOut bytes.Buffer
	kube := []string{"--kube-version", action.Inputs["kube-version"].Default}
	require.Equal(t, exitPending, run(append([]string{"diff", "--exit-code", "--color", "never", file}, kube...), strings.NewReader(""), &out, &errOut), errOut.String())
	out.Reset()
	require.Equal(t, exitOK, run(append([]string{"report", "--format", "sarif", file}, kube...), strings.NewReader(""), &out, &errOut), errOut.String())
	require.Contains(t, out.String(), `"version": "2.1.0"`)
}
