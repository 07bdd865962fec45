package kio

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// makeTree creates the files, with their folders, under dir.
func makeTree(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte("kind: ConfigMap\n"), 0o644))
	}
}

// inTree makes a temporary tree of typical inputs and makes it the working folder, so that
// paths in the tests are relative, as a user writes them.
func inTree(t *testing.T) string {
	dir := t.TempDir()
	makeTree(t, dir,
		"a.yaml", "b.yml", "c.json", "d.txt", "README.md", ".dotfile.yaml",
		"sub/e.yaml", "sub/deep/f.YAML", "sub/.hidden/h.yaml",
		".git/config.yaml", ".hidden/g.yaml",
		"chart/Chart.yaml", "chart/values.yaml", "chart/templates/deploy.yaml",
		"chart/templates/_helpers.tpl",
	)
	t.Chdir(dir)
	return dir
}

func inputPaths(inputs []Input) []string {
	var paths []string
	for _, in := range inputs {
		paths = append(paths, filepath.ToSlash(in.Path))
	}
	return paths
}

var treeFiles = []string{
	".dotfile.yaml", "a.yaml", "b.yml", "c.json",
	"chart/Chart.yaml", "chart/templates/deploy.yaml", "chart/values.yaml",
	"sub/deep/f.YAML", "sub/e.yaml",
}

func TestCollectTree(t *testing.T) {
	inTree(t)
	inputs, errs := Collect([]string{"."}, Filter{})
	require.Empty(t, errs)
	assert.Equal(t, treeFiles, inputPaths(inputs))
	for _, in := range inputs {
		assert.Equal(t, in.Path == filepath.FromSlash("chart/templates/deploy.yaml"), in.HelmTemplate, in.Path)
	}

	again, _ := Collect([]string{"."}, Filter{})
	assert.Equal(t, inputs, again, "deterministic")
}

func TestCollectPathAsGiven(t *testing.T) {
	dir := inTree(t)
	for _, tc := range []struct {
		root string
		want []string
	}{
		{"sub", []string{"sub/deep/f.YAML", "sub/e.yaml"}},
		{"./sub/", []string{"sub/deep/f.YAML", "sub/e.yaml"}},
		{"sub/../sub/deep", []string{"sub/deep/f.YAML"}},
		{"./sub/e.yaml", []string{"sub/e.yaml"}},
		{filepath.Join(dir, "sub"), []string{
			filepath.ToSlash(filepath.Join(dir, "sub/deep/f.YAML")),
			filepath.ToSlash(filepath.Join(dir, "sub/e.yaml")),
		}},
	} {
		inputs, errs := Collect([]string{tc.root}, Filter{})
		assert.Empty(t, errs, tc.root)
		assert.Equal(t, tc.want, inputPaths(inputs), tc.root)
	}
}

func TestCollectFilter(t *testing.T) {
	inTree(t)
	for _, tc := range []struct {
		name   string
		root   string
		filter Filter
		want   []string
	}{
		{"include base name", ".", Filter{Include: []string{"*.json"}}, []string{"c.json"}},
		{"include folder", ".", Filter{Include: []string{"sub/**"}}, []string{"sub/deep/f.YAML", "sub/e.yaml"}},
		{"include any depth", ".", Filter{Include: []string{"**/e.yaml"}}, []string{"sub/e.yaml"}},
		{"double star matches no folder", ".", Filter{Include: []string{"sub/**/e.yaml"}}, []string{"sub/e.yaml"}},
		{"double star matches folders", ".", Filter{Include: []string{"**/deep/*"}}, []string{"sub/deep/f.YAML"}},
		{"several includes", ".", Filter{Include: []string{"a.yaml", "*.yml"}}, []string{"a.yaml", "b.yml"}},
		{"relative to the current folder", "sub", Filter{Include: []string{"sub/deep/*"}}, []string{"sub/deep/f.YAML"}},
		{"leading ./ dropped", "sub", Filter{Include: []string{"./sub/deep/*"}}, []string{"sub/deep/f.YAML"}},
		{"exclude relative to the current folder", "sub", Filter{Exclude: []string{"sub/deep/**"}}, []string{"sub/e.yaml"}},
		{"exclude folder", ".", Filter{Exclude: []string{"chart/**", "sub/**"}}, []string{".dotfile.yaml", "a.yaml", "b.yml", "c.json"}},
		{"exclude base name", "chart", Filter{Exclude: []string{"values.yaml", "Chart.yaml"}}, []string{"chart/templates/deploy.yaml"}},
		{"exclude beats include", ".", Filter{Include: []string{"*.y*ml"}, Exclude: []string{"**/*.yaml"}}, []string{"b.yml"}},
		{"include leaves named file", "d.txt", Filter{Include: []string{"*.json"}}, []string{"d.txt"}},
		{"exclude takes named file", "sub/e.yaml", Filter{Exclude: []string{"sub/*"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inputs, errs := Collect([]string{tc.root}, tc.filter)
			if tc.want == nil { // nothing left: an error
				require.Len(t, errs, 1)
				assert.ErrorIs(t, errs[0], ErrFilteredOut)
			} else {
				assert.Empty(t, errs)
			}
			assert.Equal(t, tc.want, inputPaths(inputs))
		})
	}
}

func TestCollectBadPattern(t *testing.T) {
	inTree(t)
	inputs, errs := Collect([]string{"."}, Filter{Exclude: []string{"sub/[a"}})
	assert.Empty(t, inputs, "a broken exclude must not let files through")
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], path.ErrBadPattern)
	assert.Contains(t, errs[0].Error(), `"sub/[a"`)
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{"*.yaml", "a.yaml", true},
		{"*.yaml", "sub/a.yaml", false},
		{"**", "a/b/c.yaml", true},
		{"**/c.yaml", "c.yaml", true},
		{"**/c.yaml", "a/b/c.yaml", true},
		{"a/**", "a/b/c.yaml", true},
		{"a/**", "b/c.yaml", false},
		{"a/**/c.yaml", "a/c.yaml", true},
		{"a/**/c.yaml", "a/x/y/c.yaml", true},
		{"a/**/c.yaml", "a/x/y/d.yaml", false},
		{"a/**/b/**/c.yaml", "a/1/b/2/3/c.yaml", true},
		{"a/*", "a/b/c.yaml", false},
		{"a/?.yaml", "a/b.yaml", true},
		{"[", "[", false},
	} {
		assert.Equal(t, tc.want, globMatch(tc.pattern, tc.name), "%s ~ %s", tc.pattern, tc.name)
	}
}

func TestCollectExplicitFile(t *testing.T) {
	inTree(t)
	inputs, errs := Collect([]string{"d.txt", "README.md", ".git/config.yaml"}, Filter{})
	assert.Empty(t, errs)
	assert.Equal(t, []string{"d.txt", "README.md", ".git/config.yaml"}, inputPaths(inputs))
}

func TestCollectMissing(t *testing.T) {
	inTree(t)
	inputs, errs := Collect([]string{"missing.yaml", "a.yaml", "nope"}, Filter{})
	assert.Equal(t, []string{"a.yaml"}, inputPaths(inputs), "the walk goes on")
	require.Len(t, errs, 2)
	assert.EqualError(t, errs[0], "open missing.yaml: no such file or directory")
	assert.ErrorIs(t, errs[0], fs.ErrNotExist)
	assert.EqualError(t, errs[1], "open nope: no such file or directory")
}

func TestCollectNoManifests(t *testing.T) {
	inTree(t)
	makeTree(t, ".", "docs/notes.txt", "hidden-only/.git/x.yaml")
	require.NoError(t, os.Mkdir("empty", 0o755))
	inputs, errs := Collect([]string{"empty", "docs", "a.yaml", "hidden-only"}, Filter{})
	assert.Equal(t, []string{"a.yaml"}, inputPaths(inputs))
	require.Len(t, errs, 3)
	for _, err := range errs {
		assert.ErrorIs(t, err, ErrNoManifests)
	}
	assert.EqualError(t, errs[0], "empty: no *.yaml, *.yml or *.json files")
	assert.EqualError(t, errs[1], "docs: no *.yaml, *.yml or *.json files")

	// A folder whose manifests are all filtered out is not reported as empty, but a walk
	// whose patterns leave no file at all is an error: a CI gate must not pass on nothing.
	inputs, errs = Collect([]string{"sub"}, Filter{Include: []string{"*.json"}})
	assert.Empty(t, inputs)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrFilteredOut)
	assert.EqualError(t, errs[0], "the include and exclude patterns leave no file (2 found)")
	inputs, errs = Collect([]string{"sub", "a.yaml"}, Filter{Include: []string{"*.json"}})
	assert.Equal(t, []string{"a.yaml"}, inputPaths(inputs))
	assert.Empty(t, errs)
}

// TestCollectFilterRelativeToCurrentFolder: a pattern written from the current folder
// selects the same files whichever path is walked, as a git pathspec does.
func TestCollectFilterRelativeToCurrentFolder(t *testing.T) {
	dir := inTree(t)
	for _, root := range []string{".", "sub", "./sub/deep", filepath.Join(dir, "sub")} {
		inputs, errs := Collect([]string{root}, Filter{Include: []string{"sub/deep/**"}})
		assert.Empty(t, errs, root)
		require.Len(t, inputs, 1, root)
		assert.Equal(t, "f.YAML", filepath.Base(inputs[0].Path))
	}
	// A pattern relative to the walked folder matches nothing, and says so.
	_, errs := Collect([]string{"sub"}, Filter{Include: []string{"deep/**"}})
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrFilteredOut)
}

func TestCollectDuplicates(t *testing.T) {
	dir := inTree(t)
	for _, tc := range []struct {
		name  string
		paths []string
		want  []string
	}{
		{"file then its folder", []string{"sub/e.yaml", "sub"}, []string{"sub/e.yaml", "sub/deep/f.YAML"}},
		{"folder then its file", []string{"sub", "./sub/e.yaml"}, []string{"sub/deep/f.YAML", "sub/e.yaml"}},
		{"same folder twice", []string{"sub", "sub/", filepath.Join(dir, "sub")}, []string{"sub/deep/f.YAML", "sub/e.yaml"}},
		{"same file twice", []string{"a.yaml", "./a.yaml"}, []string{"a.yaml"}},
		{"nested folders", []string{"sub/deep", "."}, append([]string{"sub/deep/f.YAML"}, without(treeFiles, "sub/deep/f.YAML")...)},
		{"order of the paths kept", []string{"sub", "chart"}, []string{
			"sub/deep/f.YAML", "sub/e.yaml",
			"chart/Chart.yaml", "chart/templates/deploy.yaml", "chart/values.yaml",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inputs, errs := Collect(tc.paths, Filter{})
			assert.Empty(t, errs)
			assert.Equal(t, tc.want, inputPaths(inputs))
		})
	}
}

func without(list []string, drop string) []string {
	var out []string
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

func TestCollectSymlinks(t *testing.T) {
	inTree(t)
	makeTree(t, ".", "links/real.yaml")
	require.NoError(t, os.Symlink("../sub", "links/dir"))          // a folder: not followed
	require.NoError(t, os.Symlink("..", "links/loop"))             // would loop if followed
	require.NoError(t, os.Symlink("../a.yaml", "links/file.yaml")) // a file: taken
	require.NoError(t, os.Symlink("missing.yaml", "links/x.yaml")) // dangling: left out
	require.NoError(t, os.Symlink("../sub", "links/dir.yaml"))     // a folder named like a file
	require.NoError(t, os.Symlink("sub", "sublink"))               // a folder given by name

	inputs, errs := Collect([]string{"links"}, Filter{})
	assert.Empty(t, errs)
	assert.Equal(t, []string{"links/file.yaml", "links/real.yaml"}, inputPaths(inputs))

	inputs, errs = Collect([]string{"sublink"}, Filter{})
	assert.Empty(t, errs)
	assert.Equal(t, []string{"sublink/deep/f.YAML", "sublink/e.yaml"}, inputPaths(inputs))

	// A link to a folder and the folder are the same files.
	inputs, errs = Collect([]string{"sublink", "sub/e.yaml"}, Filter{})
	assert.Empty(t, errs)
	assert.Equal(t, []string{"sublink/deep/f.YAML", "sublink/e.yaml"}, inputPaths(inputs))

	// A file reached through links, by name or in a folder, is taken once, under the first
	// path that reaches it.
	require.NoError(t, os.Symlink("a.yaml", "alias.yaml"))
	inputs, errs = Collect([]string{"links/file.yaml", "alias.yaml", "a.yaml", "links"}, Filter{})
	assert.Empty(t, errs)
	assert.Equal(t, []string{"links/file.yaml", "links/real.yaml"}, inputPaths(inputs))
	inputs, errs = Collect([]string{"."}, Filter{Include: []string{"a.yaml", "alias.yaml"}})
	assert.Empty(t, errs)
	assert.Equal(t, []string{"a.yaml"}, inputPaths(inputs))
}

func TestCollectUnreadableFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can read any folder")
	}
	inTree(t)
	require.NoError(t, os.Chmod("sub/deep", 0o000))
	t.Cleanup(func() { os.Chmod("sub/deep", 0o755) })

	inputs, errs := Collect([]string{"sub", "a.yaml"}, Filter{})
	assert.Equal(t, []string{"sub/e.yaml", "a.yaml"}, inputPaths(inputs))
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], fs.ErrPermission)
	assert.Contains(t, errs[0].Error(), filepath.FromSlash("sub/deep"))

	// An unreadable folder given by name is reported once, by its name as given.
	_, errs = Collect([]string{"sub/deep/"}, Filter{})
	require.Len(t, errs, 1)
	assert.EqualError(t, errs[0], "open sub/deep: permission denied")
}

func TestCollectHelmTemplate(t *testing.T) {
	dir := inTree(t)
	makeTree(t, ".",
		"chart/templates/tests/test.yaml", "chart/crds/crd.yaml",
		"chart/charts/child/Chart.yaml", "chart/charts/child/templates/svc.yaml",
		"notchart/templates/x.yaml",
	)
	inputs, errs := Collect([]string{"chart", "notchart"}, Filter{})
	assert.Empty(t, errs)
	var helm []string
	for _, in := range inputs {
		if in.HelmTemplate {
			helm = append(helm, filepath.ToSlash(in.Path))
		}
	}
	assert.Equal(t, []string{
		"chart/charts/child/templates/svc.yaml",
		"chart/templates/deploy.yaml",
		"chart/templates/tests/test.yaml",
	}, helm)

	// The chart is found above the working folder too.
	t.Chdir(filepath.Join(dir, "chart", "templates"))
	inputs, errs = Collect([]string{"deploy.yaml"}, Filter{})
	assert.Empty(t, errs)
	require.Len(t, inputs, 1)
	assert.True(t, inputs[0].HelmTemplate)
}

func TestWalkStreams(t *testing.T) {
	inTree(t)
	var got []string
	errs := Walk([]string{"sub"}, Filter{}, func(in Input) { got = append(got, filepath.ToSlash(in.Path)) })
	assert.Empty(t, errs)
	assert.Equal(t, []string{"sub/deep/f.YAML", "sub/e.yaml"}, got)
}
