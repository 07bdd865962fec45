package udiff

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// podList returns a List of n pods, each with an app and an Istio proxy, before and after
// the proxy moves to initContainers: one document with n changes.
func podList(n int) (before, after []byte) {
	var b, c strings.Builder
	b.WriteString("apiVersion: v1\nkind: List\nitems:\n")
	c.WriteString("apiVersion: v1\nkind: List\nitems:\n")
	for i := range n {
		head := fmt.Sprintf("- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: pod-%d\n  spec:\n", i)
		app := fmt.Sprintf("    - name: app\n      image: registry.example.com/app:%d\n      ports:\n      - containerPort: 8080\n", i%7)
		proxy := "    - name: istio-proxy\n      image: docker.io/istio/proxyv2:1.22.0\n      args: [proxy, sidecar]\n"
		b.WriteString(head + "    containers:\n" + app + proxy)
		c.WriteString(head + "    initContainers:\n" + strings.Replace(proxy, "\n", "\n      restartPolicy: Always\n", 1) + "    containers:\n" + app)
	}
	return []byte(b.String()), []byte(c.String())
}

// TestUnifiedDiffAnchored checks the diff of a large document split at its anchors: git
// applies it, and each pod changes as many lines as a single pod's diff does.
func TestUnifiedDiffAnchored(t *testing.T) {
	oneBefore, oneAfter := podList(1)
	before, after := podList(500)
	require.Greater(t, len(bytes.Split(before, []byte("\n")))*2, anchoredMin, "the case must be large enough to be split")
	d := Unified("list.yaml", before, after)
	oneDiff := Unified("one.yaml", oneBefore, oneAfter)
	changed := func(d []byte) int { return bytes.Count(d, []byte("\n-")) + bytes.Count(d, []byte("\n+")) - 2 }
	assert.Equal(t, 500*changed(oneDiff), changed(d), "every pod's hunk changes as many lines as a single pod's")

	requireGit(t)
	got := gitApply(t, gitRepo(t), "list.yaml", before, d)
	assert.True(t, bytes.Equal(after, got), "git apply does not give after")
}

// BenchmarkDiffPodList diffs a List of migrated pods, one document with a change a pod.
func BenchmarkDiffPodList(b *testing.B) {
	for _, n := range []int{5000, 20000} {
		before, after := podList(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(len(before)))
			for b.Loop() {
				Unified("list.yaml", before, after)
			}
		})
	}
}

// countingWriter counts the writes it takes.
type countingWriter struct {
	bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(p)
}

// documents returns n documents, separated by "---", before and after an edit near the top
// of some and near the bottom of others, with unchanged documents between, some long.
func documents(n int) (before, after []byte) {
	var b, c strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "a: %d\nb: x\nc: y\nd: z\n", i)
		switch i % 3 {
		case 0:
			fmt.Fprintf(&c, "a: %d\nb: X\nc: y\nd: z\n", i)
		case 1:
			fmt.Fprintf(&c, "a: %d\nb: x\nc: y\nd: Z\nq: 1\n", i)
		default:
			fmt.Fprintf(&c, "a: %d\nb: x\nc: y\nd: z\n", i)
		}
		if i%50 == 0 {
			for k := range 20 {
				fmt.Fprintf(&b, "k%d: v\n", k)
				fmt.Fprintf(&c, "k%d: v\n", k)
			}
		}
		b.WriteString("---\n")
		c.WriteString("---\n")
	}
	b.WriteString("last: 1")
	c.WriteString("last: 2")
	return []byte(b.String()), []byte(c.String())
}

// TestWriteInChunks checks that Write, which passes a large diff on a few hunks at a time,
// writes what Unified returns, and what Colorize makes of it in colour; and that git applies
// a diff written document by document.
func TestWriteInChunks(t *testing.T) {
	list, listAfter := podList(2000)   // one document, diffed whole: one long hunk
	docs, docsAfter := documents(3000) // thousands of hunks, written document by document
	for _, c := range []struct {
		name          string
		before, after []byte
		chunked       bool
	}{
		{"one pod", nil, nil, false},
		{"a List of 2,000 pods", list, listAfter, false},
		{"3,000 documents", docs, docsAfter, true},
	} {
		if c.before == nil {
			c.before, c.after = podList(1)
		}
		want := Unified("f.yaml", c.before, c.after)
		for _, color := range []bool{false, true} {
			var w countingWriter
			require.NoError(t, Write(&w, "f.yaml", c.before, c.after, color))
			if color {
				assert.Equal(t, string(Colorize(want)), w.String(), "%s in colour", c.name)
			} else {
				assert.Equal(t, string(want), w.String(), c.name)
			}
			if c.chunked {
				assert.Greater(t, w.writes, 1, "%s: a diff of %d bytes written at once", c.name, len(want))
			}
		}
	}
	requireGit(t)
	got := gitApply(t, gitRepo(t), "docs.yaml", docs, Unified("docs.yaml", docs, docsAfter))
	assert.True(t, bytes.Equal(docsAfter, got), "git apply does not give after")
}
