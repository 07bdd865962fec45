package kio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// ErrNoManifests is wrapped by the error for a folder that holds no manifest files.
var ErrNoManifests = errors.New("no *.yaml, *.yml or *.json files")

// Input is one file to process, found by Collect or Walk.
type Input struct {
	// Path is the file as the user would write it: the given path joined with the relative
	// path below it, cleaned.
	Path string
	// HelmTemplate is true for a file in a Helm chart's templates/ folder (a Chart.yaml in
	// the folder that holds templates/): it is not a manifest until rendered, so callers skip
	// it with an info line.
	HelmTemplate bool
	// Skip lists objects of the file that the migration leaves alone (migrate.Options.Skip).
	Skip []migrate.Resource
	// Result, when set, is the file's result computed by the caller (a kustomize patch that
	// follows its base); Run emits it in its place instead of migrating the file.
	Result *FileResult
}

// Filter selects files by glob. Include and Exclude patterns match the slash path relative to
// the walked folder and the base name, so "*.json" and "deploy/**/x.yaml" both work; "**"
// matches any number of folders. An empty Include takes every file. A file given by name is
// subject to Exclude only.
type Filter struct{ Include, Exclude []string }

func (f Filter) takes(rel string) bool {
	if matchAny(f.Exclude, rel) {
		return false
	}
	return len(f.Include) == 0 || matchAny(f.Include, rel)
}

// check reports the first malformed pattern: path.Match would silently never match it, and a
// broken Exclude would let through files the user meant to keep out.
func (f Filter) check() error {
	for _, p := range slices.Concat(f.Include, f.Exclude) {
		for seg := range strings.SplitSeq(p, "/") {
			if _, err := path.Match(seg, ""); err != nil {
				return fmt.Errorf("pattern %q: %w", p, err)
			}
		}
	}
	return nil
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

// root is one path given to Walk.
type root struct {
	path string // as given, cleaned
	key  string // where it really is, see Walk
	dir  bool
	err  error
}

// Walk calls fn for every file to process under paths, streaming. The order is deterministic:
// the paths as given, each folder walked in lexical order. Folders are walked recursively for
// *.yaml, *.yml and *.json, skipping hidden folders and not following symbolic links to
// folders (a link to a file is taken); a folder given by name is followed even if it is a
// link. A file given by name is always taken, whatever its extension. A file reached twice
// (the same path given twice, or a folder and a file or folder inside it) is taken once.
// Errors name their path; the walk goes on with the rest. A malformed pattern is an error
// and nothing is walked.
func Walk(paths []string, filter Filter, fn func(Input)) []error {
	if err := filter.check(); err != nil {
		return []error{err}
	}
	// Files are told apart by a key: the absolute path with the links of the folders above
	// it resolved, so "./a", "a" and "/abs/a", or a link to a folder and the folder, meet.
	cwd, _ := os.Getwd()
	resolve := func(p string) string {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(cwd, p)
		}
		return p
	}
	roots := make([]root, len(paths))
	given := map[string]bool{} // keys of the roots
	for i, p := range paths {
		r := root{path: filepath.Clean(p)}
		info, err := os.Stat(p)
		switch {
		case err != nil:
			r.err = openError(p, err)
		case info.IsDir():
			r.dir, r.key = true, resolve(p)
		default:
			// The link itself, not its target: a folder walk reaches it under this name.
			r.key = filepath.Join(resolve(filepath.Dir(p)), filepath.Base(p))
		}
		roots[i] = r
		if r.err == nil {
			given[r.key] = true
		}
	}
	// Only a file under two given paths can be reached twice; remember those, not every file
	// walked, so memory does not grow with the tree.
	done := map[string]bool{}
	visit := func(p, key string) {
		if underTwo(key, given) {
			if done[key] {
				return
			}
			done[key] = true
		}
		fn(Input{Path: p, HelmTemplate: isHelmTemplate(key)})
	}

	var errs []error
	walked := map[string]bool{}
	for _, r := range roots {
		if r.err != nil {
			errs = append(errs, r.err)
			continue
		}
		if walked[r.key] {
			continue
		}
		walked[r.key] = true
		if !r.dir {
			if !matchAny(filter.Exclude, filepath.ToSlash(r.path)) {
				visit(r.path, r.key)
			}
			continue
		}
		if err := walkDir(r, filter, visit); err != nil {
			errs = append(errs, err...)
		}
	}
	return errs
}

// walkDir walks the folder r, calling visit with the path and key of each file taken.
func walkDir(r root, filter Filter, visit func(p, key string)) []error {
	var errs []error
	manifests := 0
	// The trailing separator makes WalkDir follow a root that is a link to a folder.
	start := r.path + string(filepath.Separator)
	// The function returns no error but SkipDir, so neither does WalkDir.
	filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			var pe *fs.PathError
			if p == start && errors.As(err, &pe) {
				pe.Path = r.path // not "deploy/"
			}
			errs = append(errs, err)
			return nil
		}
		if d.IsDir() {
			if p != start && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !isManifestName(d.Name()) {
			return nil
		}
		switch {
		case d.Type().IsRegular():
		case d.Type()&fs.ModeSymlink != 0:
			if info, err := os.Stat(p); err != nil || !info.Mode().IsRegular() {
				return nil // a link to a folder, or a dangling one
			}
		default:
			return nil // a pipe, socket or device: reading it could block
		}
		// Counted before the filter: a folder whose files are all filtered out is not empty.
		manifests++
		rel, err := filepath.Rel(start, p)
		if err != nil || !filter.takes(filepath.ToSlash(rel)) {
			return nil
		}
		visit(p, filepath.Join(r.key, rel))
		return nil
	})
	if manifests == 0 && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("%s: %w", r.path, ErrNoManifests))
	}
	return errs
}

// openError reports a path that cannot be read the way opening it would, which is what the
// user asked for: "open deploy/x.yaml: no such file or directory".
func openError(p string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: "open", Path: p, Err: pe.Err}
	}
	return fmt.Errorf("open %s: %w", p, err)
}

// underTwo reports whether key is, or is below, two of the given keys.
func underTwo(key string, given map[string]bool) bool {
	n := 0
	for {
		if given[key] {
			n++
			if n == 2 {
				return true
			}
		}
		parent := filepath.Dir(key)
		if parent == key {
			return false
		}
		key = parent
	}
}

// isHelmTemplate reports whether the file at the absolute path p sits in the templates/ folder
// (at any depth) of a Helm chart, a folder holding Chart.yaml. The path is absolute so that a
// chart is found above the working folder too.
func isHelmTemplate(p string) bool {
	for dir := filepath.Dir(p); ; dir = filepath.Dir(dir) {
		if filepath.Base(dir) == "templates" {
			if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "Chart.yaml")); err == nil {
				return true
			}
		}
		if filepath.Dir(dir) == dir {
			return false
		}
	}
}
