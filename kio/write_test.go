package kio

import (
	"bytes"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	oldYAML = "kind: Pod\nmetadata:\n  name: old\n"
	newYAML = "kind: Pod\nmetadata:\n  name: new\n"
)

// writeOriginal makes dir/name with oldYAML and exactly the permission bits perm, whatever
// the umask.
func writeOriginal(t *testing.T, dir, name string, perm os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(oldYAML), 0o600))
	require.NoError(t, os.Chmod(p, perm))
	return p
}

// dirNames lists the names in dir, to show that no temporary file is left behind.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func assertContent(t *testing.T, p, want string) {
	t.Helper()
	got, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, want, string(got))
}

func TestWriteFileKeepsMode(t *testing.T) {
	for _, perm := range []os.FileMode{0o600, 0o755, 0o444} {
		t.Run(perm.String(), func(t *testing.T) {
			dir := t.TempDir()
			p := writeOriginal(t, dir, "x.yaml", perm)
			_, err := WriteFile(p, []byte(newYAML), nil)
			require.NoError(t, err)
			assertContent(t, p, newYAML)
			info, err := os.Stat(p)
			require.NoError(t, err)
			assert.Equal(t, perm, info.Mode().Perm())
			assert.Equal(t, []string{"x.yaml"}, dirNames(t, dir))
		})
	}
}

func TestWriteFileSymlink(t *testing.T) {
	dir := t.TempDir()
	realDir := filepath.Join(dir, "real")
	require.NoError(t, os.Mkdir(realDir, 0o755))
	target := writeOriginal(t, realDir, "x.yaml", 0o640)
	link := filepath.Join(dir, "link.yaml")
	require.NoError(t, os.Symlink("real/x.yaml", link))

	_, err := WriteFile(link, []byte(newYAML), nil)
	require.NoError(t, err)

	info, err := os.Lstat(link)
	require.NoError(t, err)
	assert.Equal(t, fs.ModeSymlink, info.Mode().Type(), "the link stays a link")
	dest, err := os.Readlink(link)
	require.NoError(t, err)
	assert.Equal(t, "real/x.yaml", dest)
	assertContent(t, target, newYAML)
	info, err = os.Stat(target)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), info.Mode().Perm())
	assert.Equal(t, []string{"link.yaml", "real"}, dirNames(t, dir))
	assert.Equal(t, []string{"x.yaml"}, dirNames(t, realDir))
}

func TestWriteFileReadOnlyFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can write to a read-only folder")
	}
	dir := t.TempDir()
	p := writeOriginal(t, dir, "x.yaml", 0o644)
	require.NoError(t, os.Chmod(dir, 0o555))
	t.Cleanup(func() { os.Chmod(dir, 0o755) }) // so that TempDir can remove it

	_, err := WriteFile(p, []byte(newYAML), nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, fs.ErrPermission)
	assert.Contains(t, err.Error(), p)
	assertContent(t, p, oldYAML)
	assert.Equal(t, []string{"x.yaml"}, dirNames(t, dir))
}

func TestWriteFileMissing(t *testing.T) {
	dir := t.TempDir()
	_, err := WriteFile(filepath.Join(dir, "x.yaml"), []byte(newYAML), nil)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Empty(t, dirNames(t, dir))
}

var errInjected = errors.New("injected fault")

// faultFS is the real file system with one step of WriteFile failing.
type faultFS struct {
	osFS
	step string
}

func (f faultFS) CreateTemp(dir, pattern string) (tempFile, error) {
	if f.step == "create" {
		return nil, errInjected
	}
	t, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return faultFile{t, f.step}, nil
}

func (f faultFS) Rename(oldpath, newpath string) error {
	if f.step == "rename" {
		return errInjected
	}
	return os.Rename(oldpath, newpath)
}

type faultFile struct {
	*os.File
	step string
}

func (f faultFile) Write(b []byte) (int, error) {
	if f.step == "write" {
		// Half the data, as when the disk fills up.
		n, _ := f.File.Write(b[:len(b)/2])
		return n, errInjected
	}
	return f.File.Write(b)
}

func (f faultFile) Chmod(mode os.FileMode) error {
	if f.step == "chmod" {
		return errInjected
	}
	return f.File.Chmod(mode)
}

func (f faultFile) Sync() error {
	if f.step == "sync" {
		return errInjected
	}
	return f.File.Sync()
}

func (f faultFile) Close() error {
	if f.step == "close" {
		f.File.Close()
		return errInjected
	}
	return f.File.Close()
}

// useFS makes WriteFile use f for the rest of the test.
func useFS(t *testing.T, f fileSystem) {
	old := fsys
	fsys = f
	t.Cleanup(func() { fsys = old })
}

func TestWriteFileFaults(t *testing.T) {
	for _, step := range []string{"create", "write", "chmod", "sync", "close", "rename"} {
		t.Run(step, func(t *testing.T) {
			useFS(t, faultFS{step: step})
			dir := t.TempDir()
			p := writeOriginal(t, dir, "x.yaml", 0o644)

			_, err := WriteFile(p, []byte(newYAML), nil)
			assert.ErrorIs(t, err, errInjected)
			assert.Contains(t, err.Error(), p)
			assertContent(t, p, oldYAML)
			assert.Equal(t, []string{"x.yaml"}, dirNames(t, dir), "no temporary file left")
		})
	}
}

func TestWriteFileLarge(t *testing.T) {
	dir := t.TempDir()
	p := writeOriginal(t, dir, "x.yaml", 0o644)
	data := make([]byte, 10<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	_, err := WriteFile(p, data, nil)
	require.NoError(t, err)
	got, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(data, got), "10 MB round trip")
}
