package kio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
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

// Collect expands paths into the files to process, in the order Walk finds them.
func Collect(paths []string, filter Filter) ([]Input, []error) {
	var inputs []Input
	errs := Walk(paths, filter, func(in Input) { inputs = append(inputs, in) })
	return inputs, errs
}

// Walk calls fn for every file to process under paths, streaming: folders are walked
// recursively, in lexical order, for *.yaml, *.yml and *.json, skipping hidden folders and not
// following symbolic links to folders; a file given by name is always taken. A file reached
// twice (a folder and a file in it both given) is taken once. Errors name their path; the walk
// goes on with the rest.
func Walk(paths []string, filter Filter, fn func(Input)) []error {
	var errs []error
	// Only a file given by name can also be reached through a folder given before or after
	// it; remember those, not every file walked, so memory does not grow with the tree.
	explicit := map[string]bool{}
	for _, root := range paths {
		if info, err := os.Stat(root); err == nil && !info.IsDir() {
			explicit[filepath.Clean(root)] = true
		}
	}
	done := map[string]bool{}
	visit := func(p string) {
		p = filepath.Clean(p)
		if explicit[p] {
			if done[p] {
				return
			}
			done[p] = true
		}
		fn(Input{Path: p, HelmTemplate: isHelmTemplate(p)})
	}
	walkedRoots := map[string]bool{}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !info.IsDir() {
			if !matchAny(filter.Exclude, filepath.ToSlash(root)) {
				visit(root)
			}
			continue
		}
		if walkedRoots[filepath.Clean(root)] {
			continue
		}
		walkedRoots[filepath.Clean(root)] = true
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
			visit(p)
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
		if found == 0 {
			errs = append(errs, fmt.Errorf("%s: %w", root, ErrNoManifests))
		}
	}
	return errs
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
