package kio

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// RemoveLeftovers removes from dir the temporary files of WriteFile (".NAME.sidecar-migrate-"
// and digits) last modified before since: a run killed while writing leaves one, and the
// original beside it is intact. Newer ones may belong to a run going on now. It returns the
// paths removed and the first error.
func RemoveLeftovers(dir string, since time.Time) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	var first error
	for _, e := range entries {
		if !e.Type().IsRegular() || !isTempName(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(since) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if err := os.Remove(p); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		removed = append(removed, p)
	}
	return removed, first
}

// isTempName reports whether name is one WriteFile gives its temporary files.
func isTempName(name string) bool {
	i := strings.LastIndex(name, tempInfix)
	if !strings.HasPrefix(name, ".") || i <= 1 {
		return false
	}
	digits := name[i+len(tempInfix):]
	return digits != "" && strings.Trim(digits, "0123456789") == ""
}
