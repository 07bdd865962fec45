package kio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
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
	Chown(uid, gid int) error
	Chmod(mode os.FileMode) error
	Sync() error
	Close() error
}

type osFS struct{}

func (osFS) CreateTemp(dir, pattern string) (tempFile, error) { return os.CreateTemp(dir, pattern) }
func (osFS) Rename(oldpath, newpath string) error             { return os.Rename(oldpath, newpath) }
func (osFS) Remove(name string) error                         { return os.Remove(name) }

var fsys fileSystem = osFS{}

// beforeRename, when set by a test, runs between the temporary file's close and the check
// that the original is still what was read: the moment another writer can slip in.
var beforeRename func(target string)

var (
	// ErrChanged is wrapped by WriteFile's error when the file is no longer what was read:
	// writing would lose the edit made meanwhile.
	ErrChanged = errors.New("changed since it was read; left as it is")
	// ErrHardLinked is wrapped by WriteFile's error for a file with more than one name:
	// replacing it would split it from its other names, and writing through it in place
	// could leave it half written.
	ErrHardLinked = errors.New("has more than one hard link; left as it is")
	// ErrNotRegular is wrapped by the error for a path that is not a regular file (a FIFO,
	// a device, a socket): reading it could block or never end.
	ErrNotRegular = errors.New("not a regular file")
)

// Original is a file as it was read. WriteFile replaces a file only while it still is.
type Original struct {
	Size    int64
	ModTime time.Time // zero when not known: size and content are checked
	Content []byte
}

// Original is the file of r as it was read.
func (r FileResult) Original() *Original {
	if r.Info == nil { // read by a caller that kept no stat (a kustomize patch)
		return &Original{Size: int64(len(r.Before)), Content: r.Before}
	}
	return OriginalOf(r.Info, r.Before)
}

// OriginalOf is the Original of a file read as content after it was stat'ed as info.
func OriginalOf(info os.FileInfo, content []byte) *Original {
	return &Original{Size: info.Size(), ModTime: info.ModTime(), Content: content}
}

// tempInfix is in the name of every temporary file WriteFile makes, and only there.
const tempInfix = ".sidecar-migrate-"

// WriteFile replaces the file at path with data atomically: it writes a temporary file in the
// same folder with the original's owner, group, mode bits (setuid, setgid and sticky
// included) and extended attributes, syncs it, and renames it over the original, so a reader
// sees the old file or the new one, never a mix. A symbolic link stays a link: its target is
// replaced. When was is not nil, the original must still be was (size, modification time and
// content) just before the rename, or ErrChanged. A file with more than one hard link is
// refused (ErrHardLinked). On any failure the original is untouched and no temporary file is
// left behind. It returns what the file now is.
func WriteFile(path string, data []byte, was *Original) (_ *Original, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("writing %s: %w", path, err)
		}
	}()
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, err
	}
	info, err := os.Stat(target)
	if err != nil {
		return nil, err
	}
	if err := writable(info); err != nil {
		return nil, err
	}
	// The temporary file is hidden and named after the original, so that a crash leaves
	// something a user recognises, and the walk (which skips unknown extensions) ignores it.
	tmp, err := fsys.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+tempInfix+"*")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			fsys.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return nil, err
	}
	if err = copyMetadata(tmp, target, info); err != nil {
		return nil, err
	}
	// Without the sync a crash soon after the rename can leave an empty file on some
	// filesystems.
	if err = tmp.Sync(); err != nil {
		return nil, err
	}
	if err = tmp.Close(); err != nil {
		return nil, err
	}
	now, err := os.Stat(tmp.Name())
	if err != nil {
		return nil, err
	}
	if beforeRename != nil {
		beforeRename(target)
	}
	if err = stillIs(target, was); err != nil {
		return nil, err
	}
	if err = fsys.Rename(tmp.Name(), target); err != nil {
		return nil, err
	}
	return OriginalOf(now, data), nil
}

// writable refuses what WriteFile cannot replace without loss.
func writable(info os.FileInfo) error {
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%w (%s)", ErrNotRegular, TypeName(info.Mode()))
	}
	if n := linkCount(info); n > 1 {
		return fmt.Errorf("%w (%d names)", ErrHardLinked, n)
	}
	return nil
}

// copyMetadata gives the temporary file the original's owner, group, extended attributes and
// mode bits. chown comes first because it clears the setuid and setgid bits.
func copyMetadata(tmp tempFile, target string, info os.FileInfo) error {
	if uid, gid, ok := owner(info); ok {
		if tuid, tgid, tok := ownerOf(tmp.Name()); !tok || tuid != uid || tgid != gid {
			if err := tmp.Chown(uid, gid); err != nil {
				return fmt.Errorf("cannot give the new file the owner %d:%d of the old one (run as that user or as root): %w", uid, gid, err)
			}
		}
	}
	if err := copyXattrs(target, tmp.Name()); err != nil {
		return err
	}
	return tmp.Chmod(info.Mode() & (os.ModePerm | os.ModeSetuid | os.ModeSetgid | os.ModeSticky))
}

// stillIs checks that the file at target is what was read: same size, same modification time
// (taken after reading, so that a write during the read shows), same content.
func stillIs(target string, was *Original) error {
	if was == nil {
		return nil
	}
	f, err := OpenRegular(target)
	if err != nil {
		return err
	}
	defer f.Close()
	var now bytes.Buffer
	now.Grow(int(was.Size) + bytes.MinRead)
	if _, err := io.Copy(&now, io.LimitReader(f, was.Size+1)); err != nil {
		return err
	}
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if info.Size() != was.Size || (!was.ModTime.IsZero() && !info.ModTime().Equal(was.ModTime)) || !bytes.Equal(now.Bytes(), was.Content) {
		return ErrChanged
	}
	return nil
}

// OpenRegular opens a regular file for reading, or returns an error wrapping ErrNotRegular
// for anything else, without blocking on a FIFO or a device.
func OpenRegular(path string) (*os.File, error) {
	f, err := openNonblocking(path)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = &os.PathError{Op: "open", Path: path, Err: fmt.Errorf("%w (%s)", ErrNotRegular, TypeName(info.Mode()))}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// TypeName names the type of a file that is not regular, for messages.
func TypeName(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a block device"
	case m&os.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}
