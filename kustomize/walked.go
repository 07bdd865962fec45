package kustomize

import (
	"path/filepath"
	"slices"
	"strings"
)

// walkedFiles is the set of files the walk of the paths took, by absolute path, with the
// path each was walked as: the files the migration may write. The plan keeps it for the
// whole run, so it holds each folder once and each file by its base name alone (a copy,
// not a part of the walk's path, which would keep that path whole): a third of what a
// map of both paths per file holds, which the collector's target multiplies during the
// rest of the run.
type walkedFiles struct {
	dirs map[string]*walkedDir // by absolute folder
	// other holds the files walked under another form of their folder than its first
	// file was (a file given by name and the folder given too): absolute -> as walked.
	other map[string]string
}

// walkedDir is the files of one folder: the folder as the walk named it, and the base
// names of its files, sorted.
type walkedDir struct {
	as    string
	names []string
}

// add records the file at abs, walked as walked.
func (s *walkedFiles) add(abs, walked string) {
	if s.dirs == nil {
		s.dirs = map[string]*walkedDir{}
	}
	dir, name := filepath.Split(abs)
	dir = filepath.Clean(dir)
	as := filepath.Dir(walked)
	d := s.dirs[dir]
	if d == nil {
		key := strings.Clone(dir)
		if as == dir {
			as = key
		} else {
			as = strings.Clone(as)
		}
		d = &walkedDir{as: as}
		s.dirs[key] = d
	}
	if d.as != as || !joins(d.as, name, walked) {
		if s.other == nil {
			s.other = map[string]string{}
		}
		s.other[strings.Clone(abs)] = strings.Clone(walked)
		return
	}
	i, found := slices.BinarySearch(d.names, name)
	if !found {
		d.names = slices.Insert(d.names, i, strings.Clone(name))
	}
}

// joins reports whether filepath.Join(dir, name) is p, without making the path: name is a
// base name and dir clean, as filepath.Dir gives it.
func joins(dir, name, p string) bool {
	switch dir {
	case ".":
		return p == name
	case string(filepath.Separator):
		return len(p) == 1+len(name) && p[0] == filepath.Separator && p[1:] == name
	}
	return len(p) == len(dir)+1+len(name) && p[:len(dir)] == dir && p[len(dir)] == filepath.Separator && p[len(dir)+1:] == name
}

// done ends the walk: each folder's list of names gets the size it has, not the size its
// last growth gave it.
func (s *walkedFiles) done() {
	for _, d := range s.dirs {
		d.names = slices.Clone(d.names)
	}
}

// path returns the path the file at abs was walked as, and whether the walk took it.
func (s *walkedFiles) path(abs string) (string, bool) {
	if s == nil {
		return "", false
	}
	if p, ok := s.other[abs]; ok {
		return p, true
	}
	d, name := s.lookup(abs)
	if d == nil {
		return "", false
	}
	return filepath.Join(d.as, name), true
}

// has reports whether the walk took the file at abs.
func (s *walkedFiles) has(abs string) bool {
	if s == nil {
		return false
	}
	if _, ok := s.other[abs]; ok {
		return true
	}
	d, _ := s.lookup(abs)
	return d != nil
}

// lookup returns the folder of the file at abs and its base name, when the folder's form
// took it.
func (s *walkedFiles) lookup(abs string) (*walkedDir, string) {
	dir, name := filepath.Split(abs)
	d := s.dirs[filepath.Clean(dir)]
	if d == nil {
		return nil, ""
	}
	if _, found := slices.BinarySearch(d.names, name); !found {
		return nil, ""
	}
	return d, name
}
