package kio

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// migrateBothWays migrates data item by item (every List is large enough) and whole.
func migrateBothWays(t *testing.T, data []byte) (split, whole FileResult) {
	t.Helper()
	defer func(old int) { listSplitMin = old }(listSplitMin)
	listSplitMin = 0
	split = File("list.yaml", data, migrate.Options{})
	listSplitMin = 1 << 62
	whole = File("list.yaml", data, migrate.Options{})
	return split, whole
}

func assertSameResult(t *testing.T, whole, split FileResult, name string) {
	t.Helper()
	assert.Equal(t, string(whole.After), string(split.After), "%s: output", name)
	assert.Equal(t, whole.Findings, split.Findings, "%s: findings", name)
	assert.Equal(t, whole.Ignored, split.Ignored, "%s: silenced findings", name)
	assert.Equal(t, whole.Stats, split.Stats, "%s: stats", name)
	assert.Equal(t, whole.Moved, split.Moved, "%s: moved", name)
	assert.Equal(t, whole.ContainerRefs, split.ContainerRefs, "%s: autoscaler references", name)
	assert.Equal(t, whole.Fallbacks, split.Fallbacks, "%s: fallbacks", name)
	assert.Equal(t, whole.MovedLines, split.MovedLines, "%s: moved lines", name)
	assert.Equal(t, fmt.Sprint(whole.Err), fmt.Sprint(split.Err), "%s: error", name)
}

// asItem indents a document as an item of a block sequence whose dashes are at col.
func asItem(doc string, col int) string {
	pad := strings.Repeat(" ", col)
	var b strings.Builder
	for i, l := range strings.SplitAfter(strings.TrimSuffix(doc, "\n"), "\n") {
		switch {
		case i == 0:
			b.WriteString(pad + "- " + l)
		case strings.TrimSpace(l) == "":
			b.WriteString(l)
		default:
			b.WriteString(pad + "  " + l)
		}
	}
	return b.String() + "\n"
}

// TestListItemByItem checks that a List migrated item by item comes out as when migrated
// whole: output, findings with their lines and fields, stats and errors. The items are the
// golden inputs, three to a List, with comments and blank lines between them, under Lists
// laid out as kubectl and as people write them.
func TestListItemByItem(t *testing.T) {
	shapes := []struct {
		name             string
		col              int
		head, sep, trail string
	}{
		{"written", 0, "apiVersion: v1\nkind: List\nitems:\n", "", ""},
		{"kubectl", 0, "apiVersion: v1\nitems:\n", "", "kind: List\nmetadata:\n  resourceVersion: \"\"\n"},
		{"indented", 2, "# a List\napiVersion: v1\nkind: List\nitems:\n  # the first\n", "\n  # next item\n", "# the List's metadata\nmetadata: {}\n"},
		{"comments", 0, "apiVersion: v1\nkind: List\nitems: # all\n", "# END\n\n# BEGIN\n", "\n"},
	}
	split := 0
	for i, seed := range goldenInputs(t, "../migrate/testdata") {
		doc := string(seed)
		if t := yamldoc.Decode("g.yaml", seed); len(t.Docs()) != 1 || strings.HasPrefix(doc, "{") || strings.HasPrefix(doc, "[") || strings.Contains(doc, "\t") {
			continue
		}
		for _, s := range shapes {
			items := make([]string, 3)
			for k := range items {
				items[k] = asItem(doc, s.col)
			}
			data := []byte(s.head + strings.Join(items, s.sep) + s.trail)
			if _, ok := splitList(data); ok {
				split++
			}
			got, want := migrateBothWays(t, data)
			assertSameResult(t, want, got, fmt.Sprintf("golden input %d as a %s List", i, s.name))
		}
	}
	assert.Greater(t, split, 800, "too few Lists were cut into their items for the comparison to mean much")
}

func TestSplitList(t *testing.T) {
	pod := "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p\n  spec:\n    containers:\n    - name: app\n      image: app\n"
	for _, c := range []struct {
		name, doc  string
		head, tail string
		items      []string
	}{
		{name: "kubectl's key order", doc: "apiVersion: v1\nitems:\n" + pod + "# two\n" + pod + "kind: List\n",
			head: "apiVersion: v1\nitems:\n", items: []string{pod, "# two\n" + pod}, tail: "kind: List\n"},
		{name: "blank lines go with the item above, comments with the item or key below", doc: "kind: List\nitems:\n" + pod + "\n  # deeper\n# mine\n" + pod + "\n# meta\nmetadata: {}\n",
			head: "kind: List\nitems:\n", items: []string{pod + "\n  # deeper\n", "# mine\n" + pod + "\n"}, tail: "# meta\nmetadata: {}\n"},
		{name: "one item", doc: "kind: List\nitems:\n" + pod},
		{name: "a flow mapping at the root", doc: "{kind: List,\nitems:\n" + pod + pod + "}\n"},
		{name: "items not a sequence", doc: "kind: List\nitems:\n  a: " + pod + pod},
		{name: "flow items", doc: "kind: List\nitems: [\n" + pod + pod + "]\n"},
		{name: "a sequence at the root", doc: "- items:\n" + pod + pod},
	} {
		p, ok := splitList([]byte(c.doc))
		if c.items == nil {
			assert.False(t, ok, c.name)
			continue
		}
		require.True(t, ok, c.name)
		assert.Equal(t, c.head, string(p.head), c.name)
		assert.Equal(t, c.tail, string(p.tail), c.name)
		var items []string
		for _, it := range p.items {
			items = append(items, c.doc[it.start:it.end])
			assert.Equal(t, strings.Count(c.doc[:it.start], "\n"), it.line, c.name)
		}
		assert.Equal(t, c.items, items, c.name)
	}
}

// TestListItemsTied checks the Lists whose items cannot be migrated apart: each is migrated
// whole, with the same outcome.
func TestListItemsTied(t *testing.T) {
	proxy := "    - name: istio-proxy\n      image: docker.io/istio/proxyv2:1.22.0\n"
	item := func(name, extra string) string {
		return "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: " + name + "\n  spec:\n    containers:\n    - name: app\n      image: app\n" + extra
	}
	for name, doc := range map[string]string{
		"an alias of another item's anchor": "kind: List\napiVersion: v1\nitems:\n" + item("a", "    - &p\n      name: istio-proxy\n      image: docker.io/istio/proxyv2:1.22.0\n") + item("b", "    - *p\n"),
		"an alias of the List's anchor":     "kind: List\napiVersion: v1\nx: &img docker.io/istio/proxyv2:1.22.0\nitems:\n" + item("a", proxy) + item("b", "    - name: istio-proxy\n      image: *img\n"),
		"a parse error in an item":          "kind: List\napiVersion: v1\nitems:\n" + item("a", proxy) + item("b", "      image: [\n"),
	} {
		_, ok := splitList([]byte(doc))
		require.True(t, ok, name)
		split, whole := migrateBothWays(t, []byte(doc))
		assertSameResult(t, whole, split, name)
	}
}

// TestListItemByItemCorpus compares both ways on the corpus files that hold a List.
func TestListItemByItemCorpus(t *testing.T) {
	lists := 0
	for _, file := range corpusFiles(t) {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		for _, d := range yamldoc.Decode(file, data).Docs() {
			if _, ok := splitList(d.Content); ok {
				lists++
				split, whole := migrateBothWays(t, data)
				assertSameResult(t, whole, split, file)
				break
			}
		}
	}
	t.Logf("%d corpus files with a List", lists)
}
