package gitguard

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gitIn runs the real git in dir, with an identity of its own and no global configuration.
func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=test", "-c", "user.email=test@example.com"}, args...)...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %v: %s", args, out)
	return string(out)
}

func write(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(dir, f)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte("kind: Pod\n"), 0o644))
	}
}

// newRepo makes a repository in dir with the files committed.
func newRepo(t *testing.T, dir string, files ...string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	gitIn(t, dir, "init", "-q", ".")
	write(t, dir, files...)
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "base")
}

func needGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("HOME", t.TempDir())
}

// tempDir is a temporary folder with its links resolved, as Check's paths are.
func tempDir(t *testing.T) string {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	return dir
}

func TestCheckStates(t *testing.T) {
	needGit(t)
	root := tempDir(t)
	repo := filepath.Join(root, "repo")
	newRepo(t, repo, "clean.yaml", "modified.yaml", "staged.yaml", "both.yaml", ".gitignore")
	require.NoError(t, os.WriteFile(filepath.Join(repo, ".gitignore"), []byte("build/\n*.gen.yaml\n"), 0o644))
	gitIn(t, repo, "commit", "-q", "-am", "ignore")
	write(t, repo, "modified.yaml.new", "untracked.yaml", "build/out.yaml", "x.gen.yaml")
	require.NoError(t, os.Rename(filepath.Join(repo, "modified.yaml.new"), filepath.Join(repo, "modified.yaml")))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "modified.yaml"), []byte("kind: Service\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "staged.yaml"), []byte("kind: Service\n"), 0o644))
	gitIn(t, repo, "add", "staged.yaml")
	require.NoError(t, os.WriteFile(filepath.Join(repo, "both.yaml"), []byte("kind: Service\n"), 0o644))
	gitIn(t, repo, "add", "both.yaml")
	require.NoError(t, os.WriteFile(filepath.Join(repo, "both.yaml"), []byte("kind: Job\n"), 0o644))
	// A repository inside the repository, not a submodule: its files are its own.
	newRepo(t, filepath.Join(repo, "vendor/nested"), "clean.yaml")
	write(t, repo, "vendor/nested/untracked.yaml")
	write(t, root, "outside.yaml")

	files := []string{"clean.yaml", "modified.yaml", "staged.yaml", "both.yaml", "untracked.yaml",
		"build/out.yaml", "x.gen.yaml", "vendor/nested/clean.yaml", "vendor/nested/untracked.yaml", "../outside.yaml"}
	var paths []string
	for _, f := range files {
		paths = append(paths, filepath.Join(repo, f))
	}
	got := Check(context.Background(), paths)
	type state struct {
		State  State
		Detail string
		Repo   string
	}
	want := []state{
		{Clean, "", repo}, {Dirty, "modified", repo}, {Dirty, "staged", repo}, {Dirty, "modified and staged", repo},
		{Untracked, "", repo}, {Ignored, "", repo}, {Ignored, "", repo},
		{Clean, "", filepath.Join(repo, "vendor/nested")}, {Untracked, "", filepath.Join(repo, "vendor/nested")},
		{NoRepository, "", ""},
	}
	for i, s := range got {
		assert.NoError(t, s.Err, files[i])
		assert.Equal(t, want[i], state{s.State, s.Detail, s.Repo}, files[i])
	}
}

// TestCheckRunsNoConfiguredCommand: a repository whose configuration names an fsmonitor
// hook, a clean filter and a post-index-change hook, each leaving a marker file, is checked
// without running any of them; plain git status runs them, so the markers prove the test.
func TestCheckRunsNoConfiguredCommand(t *testing.T) {
	needGit(t)
	root := tempDir(t)
	repo := filepath.Join(root, "repo")
	newRepo(t, repo, "a.yaml")
	marker := func(name string) string { return filepath.Join(root, name) }
	script := filepath.Join(root, "fsmonitor.sh")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\ntouch "+marker("fsmonitor-ran")+"\nexit 1\n"), 0o755))
	gitIn(t, repo, "config", "core.fsmonitor", script)
	gitIn(t, repo, "config", "filter.mark.clean", "touch "+marker("filter-ran")+"; cat")
	require.NoError(t, os.WriteFile(filepath.Join(repo, ".git/info/attributes"), []byte("*.yaml filter=mark\n"), 0o644))
	hook := filepath.Join(repo, ".git/hooks/post-index-change")
	require.NoError(t, os.WriteFile(hook, []byte("#!/bin/sh\ntouch "+marker("hook-ran")+"\n"), 0o755))
	// A new timestamp makes git status compare the content, through the clean filter.
	require.NoError(t, os.Chtimes(filepath.Join(repo, "a.yaml"), mtimeLater(t), mtimeLater(t)))

	got := Check(context.Background(), []string{filepath.Join(repo, "a.yaml")})
	require.NoError(t, got[0].Err)
	assert.Equal(t, Clean, got[0].State)
	for _, m := range []string{"fsmonitor-ran", "filter-ran", "hook-ran"} {
		assert.NoFileExists(t, marker(m), "the check ran a configured command")
	}

	gitIn(t, repo, "status", "--porcelain")
	for _, m := range []string{"fsmonitor-ran", "filter-ran", "hook-ran"} {
		assert.FileExists(t, marker(m), "plain git status runs it: the test stands")
	}
}

// TestCheckDubiousOwnership: a repository owned by another user (as a checkout mounted in a
// container) is refused by git; Check reports git's message, not a clean file.
func TestCheckDubiousOwnership(t *testing.T) {
	needGit(t)
	if os.Geteuid() != 0 {
		t.Skip("giving a repository to another user needs root; as root (CI) this runs")
	}
	root := tempDir(t)
	repo := filepath.Join(root, "repo")
	newRepo(t, repo, "a.yaml")
	require.NoError(t, exec.Command("chown", "-R", "nobody", repo).Run())
	got := Check(context.Background(), []string{filepath.Join(repo, "a.yaml")})
	assert.Equal(t, Failed, got[0].State)
	require.Error(t, got[0].Err)
	assert.Contains(t, got[0].Err.Error(), "dubious ownership")
	assert.Equal(t, repo, got[0].Repo)
}

func TestCheckWithoutGit(t *testing.T) {
	root := tempDir(t)
	require.NoError(t, os.Mkdir(filepath.Join(root, ".git"), 0o755))
	write(t, root, "a.yaml")
	write(t, tempDir(t), "b.yaml")
	t.Setenv("PATH", t.TempDir())
	got := Check(context.Background(), []string{filepath.Join(root, "a.yaml")})
	assert.Equal(t, Failed, got[0].State)
	assert.EqualError(t, got[0].Err, "git is not installed (no git on PATH)")
}

func mtimeLater(t *testing.T) time.Time {
	t.Helper()
	return time.Now().Add(2 * time.Second).Truncate(time.Second)
}
