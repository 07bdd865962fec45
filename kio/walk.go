package kio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// ErrNoManifests is wrapped by the error for a folder that holds no manifest files.
var ErrNoManifests = errors.New("no *.yaml, *.yml or *.json files")

// Input is one file to process, found by Collect.
type Input struct {
	Path string
	// HelmTemplate is true for a file in a Helm chart's templates/ folder (a Chart.yaml in
	// the folder that holds templates/): it is not a manifest until rendered.
	HelmTemplate bool
}

// Filter selects files by glob. Patterns match the slash path relative to the walked folder
// and the base name; "**" matches any number of folders. An empty Include takes every file.
type Filter struct{ Include, Exclude []string }

func (f Filter) takes(rel string) bool {
	if matchAny(f.Exclude, rel) {
		return false
	}
	return len(f.Include) == 0 || matchAny(f.Include, rel)
}

func matchAny(patterns []string, rel string) bool {
	for _, p := range patterns {
		if globMatch(p, rel) || globMatch(p, path.Base(rel)) {
			return true
		}
	}
	return false
}

// globMatch matches a slash path against a pattern whose "**" segments match any number of
// path segments; other segments use path.Match.
func globMatch(pattern, name string) bool {
	return matchSegments(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if matchSegments(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

func isManifestName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// Collect expands paths into the files to process, in lexical order and without duplicates.
// Folders are walked recursively for *.yaml, *.yml and *.json, skipping hidden folders and
// not following symbolic links to folders; a file given by name is always taken. Errors name
// their path; the walk goes on with the rest.
func Collect(paths []string, filter Filter) ([]Input, []error) {
	seen := map[string]bool{}
	var inputs []Input
	var errs []error
	add := func(p string) {
		if p = filepath.Clean(p); !seen[p] {
			seen[p] = true
			inputs = append(inputs, Input{Path: p, HelmTemplate: isHelmTemplate(p)})
		}
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !info.IsDir() {
			if !matchAny(filter.Exclude, filepath.ToSlash(root)) {
				add(root)
			}
			continue
		}
		found := 0
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, err)
				return nil
			}
			if d.IsDir() {
				if p != root && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			if !isManifestName(d.Name()) || !filter.takes(filepath.ToSlash(rel)) {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if st, err := os.Stat(p); err != nil || st.IsDir() {
					return nil
				}
			}
			found++
			add(p)
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
		if found == 0 {
			errs = append(errs, fmt.Errorf("%s: %w", root, ErrNoManifests))
		}
	}
	sort.SliceStable(inputs, func(i, j int) bool { return inputs[i].Path < inputs[j].Path })
	return inputs, errs
}

// isHelmTemplate reports whether p sits in the templates/ folder (at any depth) of a Helm
// chart, a folder holding Chart.yaml.
func isHelmTemplate(p string) bool {
	dir := filepath.Dir(p)
	for {
		if filepath.Base(dir) == "templates" {
			if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "Chart.yaml")); err == nil {
				return true
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		dir = parent
	}
}
