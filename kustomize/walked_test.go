package kustomize

import (
	"path/filepath"
	"testing"
)

// walkedFiles gives back the path each file was walked as, whatever form the walk named its
// folder by, and takes no other file.
func TestWalkedFiles(t *testing.T) {
	var s walkedFiles
	files := map[string]string{
		"/wd/deploy/b.yaml":     "deploy/b.yaml",
		"/wd/deploy/a.yaml":     "deploy/a.yaml", // out of order: a file given by name
		"/wd/deploy/c.yaml":     "/wd/deploy/c.yaml",
		"/wd/x.yaml":            "x.yaml",
		"/up/base/d.yaml":       "../up/base/d.yaml",
		"/abs/e.yaml":           "/abs/e.yaml",
		"/wd/deploy/sub/f.json": "deploy/sub/f.json",
	}
	for abs, walked := range map[string]string{"/wd/deploy/b.yaml": files["/wd/deploy/b.yaml"]} {
		s.add(abs, walked) // the folder's first form is deploy
	}
	for abs, walked := range files {
		s.add(abs, walked)
	}
	s.done()
	for abs, walked := range files {
		got, ok := s.path(abs)
		if !ok || got != walked || !s.has(abs) {
			t.Errorf("path(%s) = %q, %v; want %q", abs, got, ok, walked)
		}
	}
	for _, abs := range []string{"/wd/deploy/z.yaml", "/wd/deploy", "/wd/other/a.yaml", "/wd/deploy/sub/a.yaml", "/abs/e.yml"} {
		if p, ok := s.path(abs); ok || s.has(abs) {
			t.Errorf("path(%s) = %q: the walk did not take it", abs, p)
		}
	}
	for _, c := range [][3]string{{".", "a.yaml", "a.yaml"}, {"/", "a.yaml", "/a.yaml"}, {"x/y", "a.yaml", "x/y/a.yaml"}, {"../x", "a", "../x/a"}, {"x", "a", "xa"}, {"x", "a", "x/b"}} {
		if got, want := joins(c[0], c[1], c[2]), filepath.Join(c[0], c[1]) == c[2]; got != want {
			t.Errorf("joins(%q, %q, %q) = %v, want %v", c[0], c[1], c[2], got, want)
		}
	}
	var none *walkedFiles
	if none.has("/wd/x.yaml") {
		t.Error("a nil set holds no file")
	}
}
