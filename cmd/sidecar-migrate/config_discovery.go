package main

import (
	"os"
	"path/filepath"
)

// configName is the options file found without --config, as golangci-lint and kube-linter
// find theirs.
const configName = ".sidecar-migrate.yaml"

// discoverConfig returns the options file to use when --config is not given: configName in
// the folder dir, else in the root of the git repository that holds dir, else "".
func discoverConfig(dir string) string {
	if f := filepath.Join(dir, configName); isFile(f) {
		return f
	}
	if root := repoRoot(dir); root != "" {
		if f := filepath.Join(root, configName); isFile(f) {
			return f
		}
	}
	return ""
}

// repoRoot returns the root of the git repository that holds dir (the nearest folder with a
// .git), or "".
func repoRoot(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
