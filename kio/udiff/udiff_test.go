package udiff

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// numbered returns lines "l<from>" to "l<to>", each ending in "\n".
func numbered(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "l%d\n", i)
	}
	return b.String()
}

// replaceLines returns text with the given 1-based lines replaced by "L<n>".
func replaceLines(text string, lines ...int) string {
	l := diffLines(text)
	for _, n := range lines {
		l[n-1] = fmt.Sprintf("L%d\n", n)
	}
	return strings.Join(l, "")
}

const diffHead = "diff --git a/app.yaml b/app.yaml\n--- a/app.yaml\n+++ b/app.yaml\n"

var diffCases = []struct {
	name          string
	before, after string
	want          string // the expected diff; checked when not empty
}{
	{
		name:   "insert at start",
		before: "a\nb\nc\nd\ne\n",
		after:  "x\na\nb\nc\nd\ne\n",
		want:   diffHead + "@@ -1,3 +1,4 @@\n+x\n a\n b\n c\n",
	},
	{
		name:   "insert in the middle",
		before: numbered(1, 10),
		after:  numbered(1, 5) + "new\n" + numbered(6, 10),
		want:   diffHead + "@@ -3,6 +3,7 @@\n l3\n l4\n l5\n+new\n l6\n l7\n l8\n",
	},
	{
		name:   "insert at end",
		before: "a\nb\nc\nd\ne\n",
		after:  "a\nb\nc\nd\ne\nf\n",
		want:   diffHead + "@@ -3,3 +3,4 @@\n c\n d\n e\n+f\n",
	},
	{
		name:   "delete",
		before: numbered(1, 10),
		after:  numbered(1, 4) + numbered(6, 10),
		want:   diffHead + "@@ -2,7 +2,6 @@\n l2\n l3\n l4\n-l5\n l6\n l7\n l8\n",
	},
	{
		name:   "delete the only line",
		before: "a\n",
		after:  "",
		want:   diffHead + "@@ -1 +0,0 @@\n-a\n",
	},
	{
		name:   "replace one line of one",
		before: "a\n",
		after:  "b\n",
		want:   diffHead + "@@ -1 +1 @@\n-a\n+b\n",
	},
	{
		name:   "moved block",
		before: "kind: Pod\nspec:\n  containers:\n  - name: app\n    image: app\n  - name: proxy\n    image: proxy\n  volumes: []\n",
		after:  "kind: Pod\nspec:\n  initContainers:\n  - name: proxy\n    image: proxy\n  containers:\n  - name: app\n    image: app\n  volumes: []\n",
	},
	{
		name:   "no newline at end of before",
		before: "a\nb",
		after:  "a\nb\n",
		want:   diffHead + "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
	},
	{
		name:   "no newline at end of after",
		before: "a\nb\n",
		after:  "a\nb",
		want:   diffHead + "@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n",
	},
	{
		name:   "no newline at end of either, last line changed",
		before: "a\nb",
		after:  "a\nc",
		want:   diffHead + "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n",
	},
	{
		name:   "no newline at end of either, last line kept",
		before: "a\nb\nc",
		after:  "x\nb\nc",
		want:   diffHead + "@@ -1,3 +1,3 @@\n-a\n+x\n b\n c\n\\ No newline at end of file\n",
	},
	{
		name:   "no newline at end of either, line added at end",
		before: "a\nb",
		after:  "a\nb\nc",
		want:   diffHead + "@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n\\ No newline at end of file\n",
	},
	{
		name:   "CRLF",
		before: "a\r\nb\r\nc\r\n",
		after:  "a\r\nB\r\nc\r\n",
		want:   diffHead + "@@ -1,3 +1,3 @@\n a\r\n-b\r\n+B\r\n c\r\n",
	},
	{
		name:   "CRLF without final newline",
		before: "a\r\nb\r\nc\r",
		after:  "a\r\nb\r\nC\r",
	},
	{
		name:   "LF to CRLF",
		before: "a\nb\n",
		after:  "a\r\nb\r\n",
	},
	{
		name:   "UTF-8 BOM",
		before: "\ufeffapiVersion: v1\nkind: Pod\n",
		after:  "\ufeffapiVersion: v2\nkind: Pod\n",
		want:   diffHead + "@@ -1,2 +1,2 @@\n-\ufeffapiVersion: v1\n+\ufeffapiVersion: v2\n kind: Pod\n",
	},
	{
		name:   "empty before",
		before: "",
		after:  "a\nb\n",
		want:   diffHead + "@@ -0,0 +1,2 @@\n+a\n+b\n",
	},
	{
		name:   "empty before, no newline after",
		before: "",
		after:  "a",
		want:   diffHead + "@@ -0,0 +1 @@\n+a\n\\ No newline at end of file\n",
	},
	{
		name:   "empty after",
		before: "a\nb\n",
		after:  "",
		want:   diffHead + "@@ -1,2 +0,0 @@\n-a\n-b\n",
	},
	{
		name:   "blank and indented lines",
		before: "a:\n\n  b: 1\n\n  c: 2\n",
		after:  "a:\n\n  b: 1\n\n\n  c: 3\n",
	},
	{
		name:   "two distant changes",
		before: numbered(1, 20),
		after:  replaceLines(numbered(1, 20), 3, 17),
		want: diffHead + "@@ -1,6 +1,6 @@\n l1\n l2\n-l3\n+L3\n l4\n l5\n l6\n" +
			"@@ -14,7 +14,7 @@\n l14\n l15\n l16\n-l17\n+L17\n l18\n l19\n l20\n",
	},
	{
		name:   "close changes merge",
		before: numbered(1, 20),
		after:  replaceLines(numbered(1, 20), 5, 11),
		want: diffHead + "@@ -2,13 +2,13 @@\n l2\n l3\n l4\n-l5\n+L5\n l6\n l7\n l8\n l9\n l10\n" +
			"-l11\n+L11\n l12\n l13\n l14\n",
	},
	{
		name:   "changes 6 lines apart merge",
		before: numbered(1, 20),
		after:  replaceLines(numbered(1, 20), 5, 12),
		want: diffHead + "@@ -2,14 +2,14 @@\n l2\n l3\n l4\n-l5\n+L5\n l6\n l7\n l8\n l9\n l10\n l11\n" +
			"-l12\n+L12\n l13\n l14\n l15\n",
	},
	{
		name:   "changes 7 lines apart split",
		before: numbered(1, 20),
		after:  replaceLines(numbered(1, 20), 5, 13),
		want: diffHead + "@@ -2,7 +2,7 @@\n l2\n l3\n l4\n-l5\n+L5\n l6\n l7\n l8\n" +
			"@@ -10,7 +10,7 @@\n l10\n l11\n l12\n-l13\n+L13\n l14\n l15\n l16\n",
	},
	{
		name:   "identical",
		before: "a\nb\n",
		after:  "a\nb\n",
	},
	{
		name:   "both empty",
		before: "",
		after:  "",
	},
}

func TestUnifiedDiff(t *testing.T) {
	for _, c := range diffCases {
		t.Run(c.name, func(t *testing.T) {
			got := Unified("app.yaml", []byte(c.before), []byte(c.after))
			if c.before == c.after {
				assert.Nil(t, got)
				return
			}
			require.True(t, strings.HasPrefix(string(got), diffHead), "header:\n%s", got)
			if c.want != "" {
				assert.Equal(t, c.want, string(got))
			}
		})
	}
}

// TestUnifiedDiffGitApply checks that git apply of every diff turns before into after,
// byte for byte.
func TestUnifiedDiffGitApply(t *testing.T) {
	requireGit(t)
	for _, c := range diffCases {
		if c.before == c.after {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			dir := gitRepo(t)
			got := gitApply(t, dir, "app.yaml", []byte(c.before), Unified("app.yaml", []byte(c.before), []byte(c.after)))
			assert.Equal(t, c.after, string(got))
		})
	}
}

// TestUnifiedDiffMatchesGit compares the hunks with those of git diff --no-index. Cases with
// more than one minimal diff are left out: git's heuristics may pick other lines.
func TestUnifiedDiffMatchesGit(t *testing.T) {
	requireGit(t)
	for _, c := range diffCases {
		if c.name == "moved block" || c.name == "blank and indented lines" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "before"), []byte(c.before), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "after"), []byte(c.after), 0o644))
			out, err := runGit(dir, nil, "diff", "--no-index", "--no-color", "before", "after")
			var exit *exec.ExitError
			if errors.As(err, &exit) && exit.ExitCode() == 1 {
				err = nil // git diff --no-index exits 1 when the files differ
			}
			require.NoError(t, err)
			assert.Equal(t, gitHunks(out), gitHunks(Unified("app.yaml", []byte(c.before), []byte(c.after))))
		})
	}
}

// TestUnifiedDiffPaths compares the header lines with those git diff writes for the same
// path, and checks that git apply finds the file.
func TestUnifiedDiffPaths(t *testing.T) {
	assert.Equal(t, "diff --git a/abs/app.yaml b/abs/app.yaml\n--- a/abs/app.yaml\n+++ b/abs/app.yaml\n@@ -1 +1 @@\n-a\n+b\n",
		string(Unified("/abs/app.yaml", []byte("a\n"), []byte("b\n"))), "one leading slash is dropped, as git does")

	requireGit(t)
	before, after := []byte(numbered(1, 5)), []byte(replaceLines(numbered(1, 5), 2))
	for _, path := range []string{
		"app.yaml",
		"deploy/base/app.yaml",
		"my file.yaml",
		"deploy/sub dir/app.yaml",
		"café.yaml",
		"café au lait.yaml",
		`quote".yaml`,
		`back\slash.yaml`,
		"tab\there.yaml",
	} {
		t.Run(path, func(t *testing.T) {
			dir := gitRepo(t)
			file := filepath.Join(dir, filepath.FromSlash(path))
			require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
			require.NoError(t, os.WriteFile(file, before, 0o644))
			_, err := runGit(dir, nil, "add", "--", path)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(file, after, 0o644))
			want, err := runGit(dir, nil, "diff", "--no-color", "--", path)
			require.NoError(t, err)
			want = regexp.MustCompile(`(?m)^index .*\n`).ReplaceAll(want, nil)

			got := Unified(path, before, after)
			assert.Equal(t, string(gitHunkHeaders(want)), string(got))
			assert.Equal(t, string(after), string(gitApply(t, dir, path, before, got)))
		})
	}
}

// TestUnifiedDiffRandom applies the diffs of random edits of random texts with git apply.
func TestUnifiedDiffRandom(t *testing.T) {
	requireGit(t)
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"a", "b", "c", "- name: x", "  image: y", "", "---"}
	text := func(lines []string, crlf, noFinalNewline bool) []byte {
		eol := "\n"
		if crlf {
			eol = "\r\n"
		}
		s := strings.Join(lines, eol)
		if len(lines) > 0 && !noFinalNewline {
			s += eol
		}
		return []byte(s)
	}
	dir := gitRepo(t)
	for i := range 200 {
		var a []string
		for range rng.IntN(25) {
			a = append(a, words[rng.IntN(len(words))])
		}
		var b []string
		for _, l := range a {
			switch rng.IntN(8) {
			case 0: // delete
			case 1:
				b = append(b, words[rng.IntN(len(words))])
			case 2:
				b = append(b, l, words[rng.IntN(len(words))])
			default:
				b = append(b, l)
			}
		}
		crlf := rng.IntN(4) == 0
		before := text(a, crlf, rng.IntN(4) == 0)
		after := text(b, crlf, rng.IntN(4) == 0)
		d := Unified("app.yaml", before, after)
		if bytes.Equal(before, after) {
			require.Nil(t, d)
			continue
		}
		got := gitApply(t, dir, "app.yaml", before, d)
		require.Equal(t, string(after), string(got), "case %d: before %q after %q diff:\n%s", i, before, after, d)
	}
}

// TestUnifiedDiffLarge diffs a 2 MB file with 5 changed lines: 5 hunks that git applies.
func TestUnifiedDiffLarge(t *testing.T) {
	before, after := largeYAML()
	d := Unified("big.yaml", before, after)
	assert.Equal(t, 5, bytes.Count(d, []byte("\n@@ ")))
	// One more for the "---" and "+++" header lines.
	assert.Equal(t, 6, bytes.Count(d, []byte("\n-")))
	assert.Equal(t, 6, bytes.Count(d, []byte("\n+")))

	requireGit(t)
	got := gitApply(t, gitRepo(t), "big.yaml", before, d)
	assert.True(t, bytes.Equal(after, got), "git apply does not give after")
}

func TestColorize(t *testing.T) {
	d := Unified("app.yaml", []byte("a\n-- b\nc"), []byte("a\n++ b\nC"))
	want := "\033[1mdiff --git a/app.yaml b/app.yaml\033[m\n" +
		"\033[1m--- a/app.yaml\033[m\n" +
		"\033[1m+++ b/app.yaml\033[m\n" +
		"\033[36m@@ -1,3 +1,3 @@\033[m\n" +
		" a\n" +
		"\033[31m--- b\033[m\n" +
		"\033[31m-c\033[m\n" +
		"\\ No newline at end of file\n" +
		"\033[32m+++ b\033[m\n" +
		"\033[32m+C\033[m\n" +
		"\\ No newline at end of file\n"
	assert.Equal(t, want, string(Colorize(d)))
	assert.Empty(t, Colorize(nil))
}

func BenchmarkUnifiedDiff(b *testing.B) {
	before, after := largeYAML()
	b.SetBytes(int64(len(before)))
	for b.Loop() {
		Unified("big.yaml", before, after)
	}
}

// largeYAML returns a generated YAML stream of about 2 MB, and a copy with 5 lines changed.
func largeYAML() (before, after []byte) {
	var b bytes.Buffer
	for i := 0; b.Len() < 2<<20; i++ {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-%d\n  labels:\n    app: shop\ndata:\n  key: value-%d\n", i, i)
	}
	before = b.Bytes()
	lines := diffLines(string(before))
	for i := 1; i <= 5; i++ {
		n := i * len(lines) / 6
		lines[n] = strings.TrimSuffix(lines[n], "\n") + "-changed\n"
	}
	return before, []byte(strings.Join(lines, ""))
}

// hunkFuncname matches the text git writes after a hunk header (the nearest line starting
// with a letter), which Unified leaves out.
var hunkFuncname = regexp.MustCompile(`(?m)^(@@ -\S+ \+\S+ @@).+$`)

// gitHunkHeaders returns git's diff output without the text after hunk headers.
func gitHunkHeaders(d []byte) []byte { return hunkFuncname.ReplaceAll(d, []byte("$1")) }

// gitHunks returns the hunks of a diff, from its first "@@" line on, without the text after
// hunk headers.
func gitHunks(d []byte) string {
	if i := bytes.Index(d, []byte("\n@@ ")); i >= 0 {
		d = d[i+1:]
	}
	return string(gitHunkHeaders(d))
}

func requireGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
}

// runGit runs git in dir with stdin, isolated from the user's and the system's git config.
func runGit(dir string, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "HOME="+dir, "LC_ALL=C")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("git %s: %w\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}

// gitRepo returns a new empty git repository.
func gitRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	_, err := runGit(dir, nil, "init", "-q")
	require.NoError(t, err)
	return dir
}

// gitApply writes before to path in the repository dir, applies diff there with git apply
// and returns the file's new bytes.
func gitApply(t *testing.T, dir, path string, before, diff []byte) []byte {
	t.Helper()
	file := filepath.Join(dir, filepath.FromSlash(path))
	require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
	require.NoError(t, os.WriteFile(file, before, 0o644))
	_, err := runGit(dir, diff, "apply")
	require.NoError(t, err, "diff:\n%s", diff)
	got, err := os.ReadFile(file)
	require.NoError(t, err)
	return got
}
