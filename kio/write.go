package kio

import (
	"fmt"
	"os"
	"path/filepath"
)

// fileSystem holds the steps of WriteFile that can fail half way, so tests can make any of
// them fail.
type fileSystem interface {
	CreateTemp(dir, pattern string) (tempFile, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
}

type tempFile interface {
	Name() string
	Write(b []byte) (int, error)
	Chmod(mode os.FileMode) error
	Sync() error
	Close() error
}

type osFS struct{}

func (osFS) CreateTemp(dir, pattern string) (tempFile, error) { return os.CreateTemp(dir, pattern) }
func (osFS) Rename(oldpath, newpath string) error             { return os.Rename(oldpath, newpath) }
func (osFS) Remove(name string) error                         { return os.Remove(name) }

var fsys fileSystem = osFS{}

// WriteFile replaces the file at path with data atomically: it writes a temporary file in the
// same folder, syncs it, gives it the original's permission bits and renames it over the
// original, so a reader sees the old file or the new one, never a mix. A symbolic link stays
// a link: its target is replaced. On any failure the original is untouched and no temporary
// file is left behind. The file must exist.
func WriteFile(path string, data []byte) (err error) {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	info, err := os.Stat(target)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// The temporary file is hidden and named after the original, so that a crash leaves
	// something a user recognises, and the walk (which skips unknown extensions) ignores it.
	tmp, err := fsys.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".sidecar-migrate-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			fsys.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Chmod(info.Mode().Perm()); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// Without the sync a crash soon after the rename can leave an empty file on some
	// filesystems.
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = fsys.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
