package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sidecarPod = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: example.com/web:1
  - name: istio-proxy
    image: docker.io/istio/proxyv2:1.24.2
`

// TestApplyWithoutGit: in a work tree but with no git to ask, apply refuses, says why and
// names the flag that overrides it.
func TestApplyWithoutGit(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, ".git"), 0o755))
	file := filepath.Join(dir, "web.yaml")
	require.NoError(t, os.WriteFile(file, []byte(sidecarPod), 0o644))
	t.Setenv("PATH", t.TempDir())

	var stdout, stderr bytes.Buffer
	code := run([]string{"apply", dir}, strings.NewReader(""), &stdout, &stderr)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr.String(), file+" (git cannot read its repository "+dir+")")
	assert.Contains(t, stderr.String(), "git is not installed (no git on PATH)")
	assert.Contains(t, stderr.String(), "or pass --allow-no-vcs to write them anyway")
	now, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, sidecarPod, string(now))

	stderr.Reset()
	code = run([]string{"apply", "--allow-no-vcs", dir}, strings.NewReader(""), &stdout, &stderr)
	require.Equal(t, exitOK, code, stderr.String())
	now, err = os.ReadFile(file)
	require.NoError(t, err)
	assert.Contains(t, string(now), "restartPolicy: Always")
}

// TestNoPathNotPiped runs the real binary with no path and stdin on /dev/null, as in a CI
// job: the usage and exit 2, not a pass over zero files.
func TestNoPathNotPiped(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t, t.TempDir())
	for _, args := range [][]string{{"diff", "--exit-code"}, {"apply"}, {"report", "--exit-code"}} {
		devnull, err := os.Open(os.DevNull)
		require.NoError(t, err)
		cmd := exec.Command(bin, args...)
		cmd.Stdin = devnull
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err = cmd.Run()
		devnull.Close()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, args)
		assert.Equal(t, exitFailed, exit.ExitCode(), args)
		assert.Contains(t, stderr.String(), "no PATH given and standard input is not piped", args)
		assert.Contains(t, stderr.String(), "Usage:", args)
	}
}

// TestSecondInterrupt: while apply --verify-kustomize waits for a kustomize build that hangs,
// a first SIGINT only asks it to stop; a second one ends it at once, without writing.
func TestSecondInterrupt(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	tree := filepath.Join(dir, "tree")
	require.NoError(t, os.MkdirAll(tree, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(tree, "kustomization.yaml"), []byte("resources: [web.yaml]\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(tree, "web.yaml"), []byte(sidecarPod), 0o644))
	started := filepath.Join(dir, "started")
	fake := filepath.Join(dir, "kustomize")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\ntouch "+started+"\nexec sleep 60\n"), 0o755))

	cmd := exec.Command(bin, "apply", "--allow-no-vcs", "--verify-kustomize", tree)
	cmd.Env = append(os.Environ(), "KUSTOMIZE="+fake)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // so that the hung build can be ended
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(started); err == nil {
			break
		}
		require.True(t, time.Now().Before(deadline), "kustomize never ran: %s", stderr.String())
	}

	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	select {
	case err := <-exited:
		t.Fatalf("the first SIGINT ended the run before the build it waits for: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	select {
	case err := <-exited:
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit)
		assert.Equal(t, exitFailed, exit.ExitCode())
		assert.Contains(t, stderr.String(), "interrupted twice: stopped at once")
	case <-time.After(20 * time.Second):
		t.Fatal("a second SIGINT did not end the run")
	}
	now, err := os.ReadFile(filepath.Join(tree, "web.yaml"))
	require.NoError(t, err)
	assert.Equal(t, sidecarPod, string(now))
}

// TestApplyLostUpdate: the file is saved by someone else after apply read it, here while
// apply asks git about it (a git that answers "clean" and edits the file, as an editor saving
// at that moment): apply leaves the edit, reports the file and exits 2.
func TestApplyLostUpdate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake git is a shell script")
	}
	dir, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	repo := filepath.Join(dir, "repo")
	require.NoError(t, os.MkdirAll(filepath.Join(repo, ".git"), 0o755))
	file := filepath.Join(repo, "web.yaml")
	require.NoError(t, os.WriteFile(file, []byte(sidecarPod), 0o644))
	other := filepath.Join(repo, "api.yaml")
	require.NoError(t, os.WriteFile(other, []byte(strings.ReplaceAll(sidecarPod, "web", "api")), 0o644))
	bin := t.TempDir()
	fake := "#!/bin/sh\ncase \"$*\" in\n*rev-parse*) echo " + repo + " ;;\n*config*) exit 1 ;;\n*status*) echo '# saved meanwhile' >> " + file + " ;;\nesac\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "git"), []byte(fake), 0o755))
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	var stdout, stderr bytes.Buffer
	code := run([]string{"apply", repo}, strings.NewReader(""), &stdout, &stderr)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr.String(), "error: writing "+file+": changed since it was read; left as it is\n")
	assert.Contains(t, stderr.String(), "2 files scanned, 1 changed, 1 sidecar moved")
	assert.Equal(t, other+": 1 sidecar moved\n", stdout.String())
	now, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, sidecarPod+"# saved meanwhile\n", string(now), "the edit is kept")
}
