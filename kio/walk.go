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
	// follows its base); Tree emits it in its place instead of migrating the file.
	Result *FileResult
	// Data, when not nil, is the file's content (standard input): Tree migrates it without
	// opening Path.
	Data []byte
}

// Filter selects files by glob. Include and Exclude patterns match the slash path relative to
// the current folder, as git's pathspecs and ripgrep's globs do, and the base name: so
// "*.json" and "deploy/**/x.yaml" both work, whatever path is given ("./" in front of a
// pattern is dropped). "**" matches any number of folders. An empty Include takes every
// file. A file given by name is subject to Exclude only.
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
		p = strings.TrimPrefix(p, "./")
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

// ErrFilteredOut is wrapped by the error for a walk whose Include and Exclude patterns leave
// none of the manifest files found: a run that checks nothing must not pass for one that
// found nothing to change.
var ErrFilteredOut = errors.New("the include and exclude patterns leave no file")

// Collect expands paths into the files to process, in the order Walk finds them.
func Collect(paths []string, filter Filter) ([]Input, []error) {
	var inputs []Input
	errs := Walk(paths, filter, func(in Input) { inputs = append(inputs, in) })
	return inputs, errs
}

// Walk calls fn for every file to process under paths, streaming. The order is deterministic:
// the paths as given, each folder walked in lexical order. Folders are walked recursively for
// *.yaml, *.yml and *.json, skipping hidden folders and not following symbolic links to
// folders (a link to a file is taken); a folder given by name is followed even if it is a
// link. A file given by name is always taken, whatever its extension. Each file is taken
// once, under the first path that reaches it, however many reach it (the same path given
// twice, a folder and a file inside it, two links to one file): files are told apart by their
// path with every link resolved. A FIFO, device or socket is never opened: its Input carries
// a result with one info finding. Errors name their path; the walk goes on with the rest. A
// malformed pattern is an error and nothing is walked.
func Walk(paths []string, filter Filter, fn func(Input)) []error {
	return WalkListed(paths, filter, nil, fn)
}

// WalkListed is Walk reading the folders through listings: those another walk of the tree
// read already are not read again.
func WalkListed(paths []string, filter Filter, listings *Listings, fn func(Input)) []error {
	if err := filter.check(); err != nil {
		return []error{err}
	}
	cwd, _ := os.Getwd()
	w := &walker{filter: filter, cwd: cwd, fn: fn, seen: map[string]bool{}, charts: map[string]bool{}, listings: listings}
	var errs []error
	walked := map[string]bool{} // folders walked, links resolved
	for _, p := range paths {
		p = filepath.Clean(p)
		info, err := os.Stat(p)
		switch {
		case err != nil:
			errs = append(errs, openError(p, err))
		case info.IsDir():
			key := w.resolve(p)
			if !walked[key] {
				walked[key] = true
				errs = append(errs, w.dir(p, key)...)
			}
		default:
			w.found++
			if !matchAny(filter.Exclude, w.rel(p)) {
				// The link itself, not its target, says whether it is in a chart.
				w.take(p, filepath.Join(w.resolve(filepath.Dir(p)), filepath.Base(p)), info.Mode(), true)
			}
		}
	}
	if w.taken == 0 && w.found > 0 {
		errs = append(errs, fmt.Errorf("%w (%d found)", ErrFilteredOut, w.found))
	}
	return errs
}

// walker is the state of one Walk.
type walker struct {
	filter       Filter
	cwd          string
	fn           func(Input)
	seen         map[string]bool // files taken, by resolved path
	charts       map[string]bool // folders, whether their files are Helm templates (inChart)
	listings     *Listings       // folders read by an earlier walk (WalkListed)
	found, taken int             // manifest files found, before and after the filter
}

// resolve returns the absolute path of p with its links resolved.
func (w *walker) resolve(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	return w.abs(p)
}

func (w *walker) abs(p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(w.cwd, p)
	}
	return p
}

// takes reports whether the filter takes the file p; without patterns it takes every file,
// and its path relative to the current folder is not computed.
func (w *walker) takes(p string) bool {
	if len(w.filter.Include) == 0 && len(w.filter.Exclude) == 0 {
		return true
	}
	return w.filter.takes(w.rel(p))
}

// inChart reports whether the file at loc is a Helm chart's template (isHelmTemplate), asked
// once per folder: the answer depends on the folders above the file only.
func (w *walker) inChart(loc string) bool {
	dir := filepath.Dir(loc)
	in, ok := w.charts[dir]
	if !ok {
		in = isHelmTemplate(loc)
		w.charts[dir] = in
	}
	return in
}

// rel is the slash path of p relative to the current folder, which the filter matches.
func (w *walker) rel(p string) string {
	if r, err := filepath.Rel(w.cwd, w.abs(p)); err == nil {
		p = r
	}
	return filepath.ToSlash(p)
}

// take hands the file p, found at loc (absolute, its folders' links resolved), to fn unless
// it was taken already. link says that loc may itself be a link.
func (w *walker) take(p, loc string, mode fs.FileMode, link bool) {
	id := loc
	if link {
		id = w.resolve(loc)
	}
	if w.seen[id] {
		return
	}
	w.seen[id] = true
	w.taken++
	in := Input{Path: p, HelmTemplate: w.inChart(loc)}
	if !mode.IsRegular() {
		in.Result = &FileResult{Path: p, Findings: []migrate.Finding{notRegularFinding(mode)}}
	}
	w.fn(in)
}

// dir walks the folder given as p, whose resolved path is key.
func (w *walker) dir(p, key string) []error {
	var errs []error
	manifests := 0
	// The trailing separator makes WalkDir follow a root that is a link to a folder.
	start := p + string(filepath.Separator)
	// The function returns no error but SkipDir, so neither does WalkDir.
	w.listings.WalkDir(start, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			var pe *fs.PathError
			if path == start && errors.As(err, &pe) {
				pe.Path = p // not "deploy/"
			}
			errs = append(errs, err)
			return nil
		}
		if d.IsDir() {
			if path != start && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !isManifestName(d.Name()) {
			return nil
		}
		mode, link := d.Type(), d.Type()&fs.ModeSymlink != 0
		if link {
			info, err := os.Stat(path)
			if err != nil || info.IsDir() {
				return nil // a link to a folder, or a dangling one
			}
			mode = info.Mode()
		}
		// Counted before the filter: a folder whose files are all filtered out is not empty.
		manifests++
		w.found++
		rel, err := filepath.Rel(start, path)
		if err != nil || !w.takes(path) {
			return nil
		}
		w.take(path, filepath.Join(key, rel), mode, link)
		return nil
	})
	if manifests == 0 && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("%s: %w", p, ErrNoManifests))
	}
	return errs
}

// Listings keeps the folders one walk read for the next walk of the same tree, which takes
// each listing once instead of reading the folder again: the repository plan finds the
// kustomizations, then walks the files as the run does. A failed read is not kept. The zero
// value is ready; a nil *Listings reads every folder. It is not safe for concurrent use.
type Listings struct {
	dirs map[string][]fs.DirEntry // by cleaned path
}

// WalkDir is filepath.WalkDir (the same calls of fn, in the same order), reading each folder
// through l.
func (l *Listings) WalkDir(root string, fn fs.WalkDirFunc) error {
	info, err := os.Lstat(root)
	if err != nil {
		err = fn(root, nil, err)
	} else {
		err = l.walkDir(root, fs.FileInfoToDirEntry(info), fn)
	}
	if err == filepath.SkipDir || err == filepath.SkipAll {
		return nil
	}
	return err
}

func (l *Listings) walkDir(path string, d fs.DirEntry, fn fs.WalkDirFunc) error {
	if err := fn(path, d, nil); err != nil || !d.IsDir() {
		if err == filepath.SkipDir && d.IsDir() {
			err = nil // the folder is skipped
		}
		return err
	}
	entries, err := l.readDir(path)
	if err != nil {
		if err = fn(path, d, err); err != nil { // the second call, with the error
			if err == filepath.SkipDir && d.IsDir() {
				err = nil
			}
			return err
		}
	}
	for _, e := range entries {
		if err := l.walkDir(filepath.Join(path, e.Name()), e, fn); err != nil {
			if err == filepath.SkipDir {
				break
			}
			return err
		}
	}
	return nil
}

// readDir is os.ReadDir, giving once a listing kept by an earlier walk and keeping the
// listings it reads.
func (l *Listings) readDir(dir string) ([]fs.DirEntry, error) {
	if l == nil {
		return os.ReadDir(dir)
	}
	key := filepath.Clean(dir)
	if entries, ok := l.dirs[key]; ok {
		delete(l.dirs, key)
		return entries, nil
	}
	entries, err := os.ReadDir(dir)
	if err == nil {
		if l.dirs == nil {
			l.dirs = map[string][]fs.DirEntry{}
		}
		l.dirs[key] = entries
	}
	return entries, err
}

// notRegularFinding says why a FIFO, a device or a socket is skipped.
func notRegularFinding(mode fs.FileMode) migrate.Finding {
	return migrate.Finding{Rule: migrate.RuleNotRegular, Severity: migrate.Info, Line: 1, Column: 1,
		Message: "skipped: " + TypeName(mode) + " is not a regular file (reading it could block or never end)"}
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
