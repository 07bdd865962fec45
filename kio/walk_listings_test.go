package kio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Listings.WalkDir makes the calls filepath.WalkDir makes, in its order, skipped folders
// and errors included; a second walk takes the listings of the first, once.
func TestListingsWalkDir(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"b/x.yaml", "a/y.yaml", "a/.hidden/z.yaml", "c.yaml", "a/d/e/f.json"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(dir, "b"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	record := func(calls *[]string) fs.WalkDirFunc {
		return func(p string, d fs.DirEntry, err error) error {
			*calls = append(*calls, fmt.Sprintf("%s %v %v", p, d != nil && d.IsDir(), err))
			switch {
			case d != nil && d.Name() == ".hidden":
				return filepath.SkipDir
			case d != nil && d.Name() == "y.yaml":
				return filepath.SkipDir // the rest of folder a is skipped
			}
			return nil
		}
	}
	for _, root := range []string{dir, dir + "/", filepath.Join(dir, "link"), filepath.Join(dir, "missing")} {
		var want, first, second []string
		errWant := filepath.WalkDir(root, record(&want))
		var l Listings
		errFirst := l.WalkDir(root, record(&first))
		errSecond := l.WalkDir(root, record(&second))
		if !slices.Equal(first, want) || !slices.Equal(second, want) || !errors.Is(errFirst, errWant) || !errors.Is(errSecond, errWant) {
			t.Errorf("%s:\nwant   %q (%v)\nfirst  %q (%v)\nsecond %q (%v)", root, want, errWant, first, errFirst, second, errSecond)
		}
		if len(l.dirs) != 0 {
			t.Errorf("%s: %d listings kept after the second walk", root, len(l.dirs))
		}
	}
	// The second walk reads what the first read: a file written between them is not seen
	// in a folder the first walk listed, and is by a walk of its own.
	var l Listings
	var first, second, third []string
	l.WalkDir(dir, record(&first))
	if err := os.WriteFile(filepath.Join(dir, "b", "new.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	l.WalkDir(dir, record(&second))
	l.WalkDir(dir, record(&third))
	if !slices.Equal(first, second) || slices.Equal(second, third) {
		t.Errorf("listings: first %q\nsecond %q\nthird %q", first, second, third)
	}
}
