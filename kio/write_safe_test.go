//go:build linux || darwin

package kio

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// readOriginal stats and reads p as the pipeline does, for WriteFile's check.
func readOriginal(t *testing.T, p string) *Original {
	t.Helper()
	info, err := os.Stat(p)
	require.NoError(t, err)
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	return OriginalOf(info, data)
}

// TestWriteFileConcurrentWriter has another writer save the file after it was read, at the
// last moment before the rename: the edit is kept, the migration is not written.
func TestWriteFileConcurrentWriter(t *testing.T) {
	const edit = "kind: Pod\nmetadata:\n  name: edited-meanwhile\n"
	for _, tc := range []struct {
		name  string
		write func(p string) error
	}{
		{"new content", func(p string) error { return os.WriteFile(p, []byte(edit), 0o644) }},
		{"same size", func(p string) error { return os.WriteFile(p, []byte(oldYAML[:len(oldYAML)-4]+"xyz\n"), 0o644) }},
		{"touched only", func(p string) error {
			future := time.Now().Add(time.Hour)
			return os.Chtimes(p, future, future)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeOriginal(t, dir, "x.yaml", 0o644)
			was := readOriginal(t, p)
			beforeRename = func(string) { require.NoError(t, tc.write(p)) }
			t.Cleanup(func() { beforeRename = nil })
			want, err := os.ReadFile(p)
			require.NoError(t, err)

			_, err = WriteFile(p, []byte(newYAML), was)
			require.ErrorIs(t, err, ErrChanged)
			assert.Contains(t, err.Error(), p)
			got, err := os.ReadFile(p)
			require.NoError(t, err)
			assert.NotEqual(t, newYAML, string(got), "the migration of the old content is not written")
			if tc.name != "touched only" {
				assert.NotEqual(t, string(want), string(got))
			}
			assert.Equal(t, []string{"x.yaml"}, dirNames(t, dir), "no temporary file left")
		})
	}
}

// TestWriteFileChangedBeforeWrite: an edit between the read and the write is also kept, and
// a write of what was read goes through and returns the file as it now is.
func TestWriteFileChangedBeforeWrite(t *testing.T) {
	dir := t.TempDir()
	p := writeOriginal(t, dir, "x.yaml", 0o644)
	was := readOriginal(t, p)
	require.NoError(t, os.WriteFile(p, []byte(oldYAML+"# saved by an editor\n"), 0o644))
	_, err := WriteFile(p, []byte(newYAML), was)
	require.ErrorIs(t, err, ErrChanged)
	assertContent(t, p, oldYAML+"# saved by an editor\n")

	was = readOriginal(t, p)
	now, err := WriteFile(p, []byte(newYAML), was)
	require.NoError(t, err)
	assertContent(t, p, newYAML)
	assert.Equal(t, readOriginal(t, p), now, "what WriteFile returns is what a rollback checks")
}

func TestWriteFileKeepsSpecialModeBits(t *testing.T) {
	dir := t.TempDir()
	p := writeOriginal(t, dir, "x.yaml", 0o644)
	require.NoError(t, os.Chmod(p, 0o755|os.ModeSetgid|os.ModeSticky))
	info, err := os.Stat(p)
	require.NoError(t, err)
	want := info.Mode() // what the file system kept of the request
	require.NotZero(t, want&os.ModeSetgid, "setgid set on the original")
	_, err = WriteFile(p, []byte(newYAML), readOriginal(t, p))
	require.NoError(t, err)
	info, err = os.Stat(p)
	require.NoError(t, err)
	assert.Equal(t, want, info.Mode())
}

// TestWriteFileKeepsOwner runs as root (as in containers and CI): the new file keeps the old
// one's owner and group instead of becoming root's.
func TestWriteFileKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can give a file to another user")
	}
	dir := t.TempDir()
	p := writeOriginal(t, dir, "x.yaml", 0o2640)
	require.NoError(t, os.Chown(p, 65534, 65534))
	require.NoError(t, os.Chmod(p, 0o640|os.ModeSetgid)) // chown cleared it
	_, err := WriteFile(p, []byte(newYAML), readOriginal(t, p))
	require.NoError(t, err)
	info, err := os.Stat(p)
	require.NoError(t, err)
	st := info.Sys().(*syscall.Stat_t)
	assert.Equal(t, []uint32{65534, 65534}, []uint32{st.Uid, st.Gid})
	assert.Equal(t, 0o640|os.ModeSetgid, info.Mode(), "setgid survives the chown")
}

func TestWriteFileKeepsXattrs(t *testing.T) {
	dir := t.TempDir()
	p := writeOriginal(t, dir, "x.yaml", 0o644)
	if err := unix.Setxattr(p, "user.sidecar-migrate.test", []byte("kept"), 0); err != nil {
		t.Skipf("no user extended attributes on this file system: %v", err)
	}
	_, err := WriteFile(p, []byte(newYAML), readOriginal(t, p))
	require.NoError(t, err)
	buf := make([]byte, 64)
	n, err := unix.Getxattr(p, "user.sidecar-migrate.test", buf)
	require.NoError(t, err)
	assert.Equal(t, "kept", string(buf[:n]))
	assertContent(t, p, newYAML)
}

// TestWriteFileHardLink: a file with two names is refused, so both keep the same content.
func TestWriteFileHardLink(t *testing.T) {
	dir := t.TempDir()
	p := writeOriginal(t, dir, "x.yaml", 0o644)
	other := filepath.Join(dir, "y.yaml")
	require.NoError(t, os.Link(p, other))
	_, err := WriteFile(p, []byte(newYAML), readOriginal(t, p))
	require.ErrorIs(t, err, ErrHardLinked)
	assert.Contains(t, err.Error(), "2 names")
	assertContent(t, p, oldYAML)
	assertContent(t, other, oldYAML)
	assert.Equal(t, []string{"x.yaml", "y.yaml"}, dirNames(t, dir))
}

// TestOpenRegularFIFO: a FIFO with no writer is refused at once instead of blocking.
func TestOpenRegularFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "x.yaml")
	require.NoError(t, unix.Mkfifo(fifo, 0o644))
	done := make(chan error, 1)
	go func() {
		f, err := OpenRegular(fifo)
		if f != nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		require.ErrorIs(t, err, ErrNotRegular)
		assert.Contains(t, err.Error(), "a FIFO")
	case <-time.After(10 * time.Second):
		t.Fatal("opening a FIFO blocked")
	}
	_, err := WriteFile(fifo, []byte(newYAML), nil)
	require.ErrorIs(t, err, ErrNotRegular)
}

func TestRemoveLeftovers(t *testing.T) {
	dir := t.TempDir()
	start := time.Now()
	old := start.Add(-time.Minute)
	names := map[string]time.Time{
		".x.yaml.sidecar-migrate-123456": old,                    // left by a killed run
		".x.yaml.sidecar-migrate-999":    start.Add(time.Second), // a run going on now
		".x.yaml.sidecar-migrate-backup": old,                    // not our name
		"x.yaml.sidecar-migrate-1":       old,                    // not hidden: not ours
		"x.yaml":                         old,
	}
	for name, mtime := range names {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, nil, 0o644))
		require.NoError(t, os.Chtimes(p, mtime, mtime))
	}
	removed, err := RemoveLeftovers(dir, start)
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, ".x.yaml.sidecar-migrate-123456")}, removed)
	assert.Len(t, dirNames(t, dir), 4)
	_, err = os.Stat(filepath.Join(dir, ".x.yaml.sidecar-migrate-123456"))
	assert.True(t, errors.Is(err, os.ErrNotExist))
}
