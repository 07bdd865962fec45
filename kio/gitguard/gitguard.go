package gitguard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// State is what git knows of a file.
type State int

const (
	Clean        State = iota // committed as it is: git can give it back
	Dirty                     // modified in the work tree, or staged
	Untracked                 // in a work tree, never added
	Ignored                   // matched by a .gitignore pattern
	NoRepository              // in no git work tree
	Failed                    // git could not tell (not installed, dubious ownership...)
)

// Status is the state of one file.
type Status struct {
	Path   string // as given: absolute, links resolved
	Repo   string // the top folder of its work tree, when known
	State  State
	Detail string // for Dirty: "modified", "staged", "modified and staged" or "unmerged"
	Err    error  // for Failed: git's message
}

// Check returns the status of each file, in order. files are absolute paths with their
// links resolved, as git reports its work trees.
func Check(ctx context.Context, files []string) []Status {
	out := make([]Status, len(files))
	found := map[string]string{} // folder -> nearest folder above holding .git
	byCandidate := map[string][]int{}
	for i, f := range files {
		out[i].Path = f
		c := nearestGit(filepath.Dir(f), found)
		if c == "" {
			out[i].State = NoRepository
			continue
		}
		byCandidate[c] = append(byCandidate[c], i)
	}
	// git's own discovery decides the work tree: a broken .git, for one, is passed over.
	repos := map[string][]int{}
	for _, c := range sortedKeys(byCandidate) {
		top, err := run(ctx, c, nil, "rev-parse", "--show-toplevel")
		if err != nil {
			fail(out, byCandidate[c], c, err)
			continue
		}
		t := strings.TrimRight(string(top), "\n")
		repos[t] = append(repos[t], byCandidate[c]...)
	}
	for _, top := range sortedKeys(repos) {
		if err := status(ctx, top, repos[top], out); err != nil {
			fail(out, repos[top], top, err)
		}
	}
	return out
}

func fail(out []Status, idx []int, repo string, err error) {
	for _, i := range idx {
		out[i].Repo, out[i].State, out[i].Err = repo, Failed, err
	}
}

// nearestGit returns the nearest folder from dir up that holds a .git entry (a folder, or
// the file of a submodule or linked work tree), or "".
func nearestGit(dir string, found map[string]string) string {
	if c, ok := found[dir]; ok {
		return c
	}
	c := ""
	if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
		c = dir
	} else if parent := filepath.Dir(dir); parent != dir {
		c = nearestGit(parent, found)
	}
	found[dir] = c
	return c
}

// batch bounds the paths of one git status command line.
const batch = 200

// status fills in the states of the files idx of the work tree top.
func status(ctx context.Context, top string, idx []int, out []Status) error {
	safe, err := noFilters(ctx, top)
	if err != nil {
		return err
	}
	rels := map[string]int{}
	var paths []string
	for _, i := range idx {
		out[i].Repo = top
		rel, err := filepath.Rel(top, out[i].Path)
		if err != nil || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("%s is outside its work tree %s", out[i].Path, top)
		}
		rels[filepath.ToSlash(rel)] = i
		paths = append(paths, filepath.ToSlash(rel))
	}
	for chunk := range slices.Chunk(paths, batch) {
		args := append([]string{"status", "--porcelain=v1", "-z", "--ignored=traditional", "--untracked-files=all",
			"--ignore-submodules=all", "--no-renames", "--"}, chunk...)
		text, err := run(ctx, top, safe, args...)
		if err != nil {
			return err
		}
		for entry := range strings.SplitSeq(string(text), "\x00") {
			if len(entry) < 4 {
				continue
			}
			code, p := entry[:2], entry[3:]
			if i, ok := rels[p]; ok {
				out[i].State, out[i].Detail = classify(code)
				continue
			}
			for rel, i := range rels { // a folder: git names an untracked or ignored one whole
				if strings.HasSuffix(p, "/") && strings.HasPrefix(rel, p) {
					out[i].State, out[i].Detail = classify(code)
				}
			}
		}
	}
	return nil
}

// classify reads a porcelain status code.
func classify(code string) (State, string) {
	switch {
	case code == "??":
		return Untracked, ""
	case code == "!!":
		return Ignored, ""
	case strings.Contains(code, "U") || code == "AA" || code == "DD":
		return Dirty, "unmerged"
	case code[0] != ' ' && code[1] != ' ':
		return Dirty, "modified and staged"
	case code[0] != ' ':
		return Dirty, "staged"
	}
	return Dirty, "modified"
}

// noFilters returns the -c options that empty every filter driver of the repository's
// configuration: git status runs a clean filter to compare a file whose timestamp changed.
func noFilters(ctx context.Context, top string) ([]string, error) {
	keys, err := run(ctx, top, nil, "config", "-z", "--name-only", "--get-regexp", `^filter\.`)
	var e *Error
	if errors.As(err, &e) && e.Code == 1 { // no such key
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var opts []string
	seen := map[string]bool{}
	for key := range strings.SplitSeq(string(keys), "\x00") {
		dot := strings.LastIndexByte(key, '.')
		if dot <= len("filter.") {
			continue
		}
		name := key[len("filter."):dot]
		if !seen[name] {
			seen[name] = true
			for _, k := range []string{"clean=", "smudge=", "process=", "required=false"} {
				opts = append(opts, "-c", "filter."+name+"."+k)
			}
		}
	}
	return opts, nil
}

// Error is a git command that failed, with git's message.
type Error struct {
	Code int // exit status; -1 when git did not run
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// run runs git in dir with the safety options and extra -c options first.
func run(ctx context.Context, dir string, extra []string, args ...string) ([]byte, error) {
	full := []string{"--no-pager", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=" + os.DevNull}
	full = append(append(full, extra...), "-C", dir)
	cmd := exec.CommandContext(ctx, "git", append(full, args...)...)
	cmd.Env = environ()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err == nil {
		return out, nil
	}
	if errors.Is(err, exec.ErrNotFound) {
		return nil, &Error{Code: -1, Msg: "git is not installed (no git on PATH)"}
	}
	if ctx.Err() != nil {
		return nil, &Error{Code: -1, Msg: "interrupted"}
	}
	msg := strings.TrimSpace(stderr.String())
	if msg == "" {
		msg = "git " + args[0] + ": " + err.Error()
	}
	code := -1
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	}
	return nil, &Error{Code: code, Msg: msg}
}

// environ is the environment without the variables that point git at another repository,
// index or pager: each work tree is named by its folder.
func environ() []string {
	drop := []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY",
		"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM",
		"GIT_PAGER", "PAGER", "GIT_EXTERNAL_DIFF", "GIT_OPTIONAL_LOCKS", "GIT_LITERAL_PATHSPECS", "GIT_TERMINAL_PROMPT"}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.Contains(drop, name)
	})
	// No index write, hence no post-index-change hook; paths are literal, not patterns.
	return append(env, "GIT_OPTIONAL_LOCKS=0", "GIT_LITERAL_PATHSPECS=1", "GIT_PAGER=cat", "GIT_TERMINAL_PROMPT=0")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
