package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// dirtyFiles returns the absolute paths of files with uncommitted changes in the git work
// trees that hold paths, so that apply does not overwrite work that git cannot give back
// (cargo fix's convention). Paths outside a work tree, or without git, have none.
func dirtyFiles(paths []string) map[string]bool {
	dirty := map[string]bool{}
	seen := map[string]bool{}
	for _, p := range paths {
		dir := p
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			dir = filepath.Dir(p)
		}
		top, err := exec.Command("git", "-C", dir, "rev-parse", "--show-toplevel").Output()
		if err != nil {
			continue
		}
		root := strings.TrimSpace(string(top))
		if seen[root] {
			continue
		}
		seen[root] = true
		out, err := exec.Command("git", "-C", root, "status", "--porcelain", "-z", "--untracked-files=no").Output()
		if err != nil {
			continue
		}
		for _, entry := range bytes.Split(out, []byte{0}) {
			if len(entry) > 3 {
				dirty[filepath.Join(root, string(entry[3:]))] = true
			}
		}
	}
	return dirty
}

// isDirty reports whether path is one of the dirty files.
func isDirty(dirty map[string]bool, path string) bool {
	if len(dirty) == 0 {
		return false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	return dirty[abs]
}
