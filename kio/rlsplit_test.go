package kio

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	kyio "sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// runList reads a ResourceList in parts or whole and runs the function's pipeline over it
// as fn does: each item migrated, the id of a changed one dropped, a result for each
// finding, the list written. It returns what was written, or the error, and whether the
// list was read in parts.
func runList(t *testing.T, data []byte, inParts bool) (out string, parts bool) {
	t.Helper()
	defer func(old bool) { readInParts = old }(readInParts)
	readInParts = inParts
	l, err := ReadResourceList("<stdin>", data)
	if err != nil {
		return "error: " + err.Error(), false
	}
	Items(l.All(), migrate.Options{}, func(r ItemResult) {
		if r.Changed {
			require.NoError(t, r.Item.PipeE(yaml.ClearAnnotation(kioutil.IdAnnotation)))
		}
		for _, f := range r.Findings {
			res := &framework.Result{Message: f.Rule + ": " + f.Message, Severity: framework.Info, Tags: map[string]string{"line": fmt.Sprint(f.Line)}}
			if r.Item != nil {
				if path, index, _ := kioutil.GetFileAnnotations(r.Item); path != "" {
					res.File = &framework.File{Path: path}
					res.Tags["index"] = index
				}
			}
			require.NoError(t, l.AddResult(res))
		}
	})
	var b bytes.Buffer
	if err := l.Encode(&b); err != nil {
		return b.String() + "error: " + err.Error(), l.parts != nil
	}
	return b.String(), l.parts != nil
}

// assertSameList checks that a list read in parts comes out as when read whole, and returns
// whether it was read in parts.
func assertSameList(t *testing.T, data []byte, name string) bool {
	t.Helper()
	got, parts := runList(t, data, true)
	want, _ := runList(t, data, false)
	assert.Equal(t, want, got, name)
	return parts
}

// The ResourceList shapes the golden inputs are wrapped in: as kustomize and kpt write them,
// and with the comments, blank lines, indentation and tails people write.
var listShapes = []struct {
	name             string
	col              int
	head, sep, trail string
}{
	{"kustomize", 0, "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n", "",
		"functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: fc\n  data:\n    placement: before-init\n"},
	{"indented", 2, "# a list\napiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n  # the first\n", "\n  # next item\n", "# the config\nfunctionConfig: {}\n"},
	{"comments", 0, "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n", "# END\n\n# BEGIN\n", "\n"},
	{"blank lines", 2, "kind: ResourceList\napiVersion: config.kubernetes.io/v1\nitems:\n", "\n\n", "results:\n- message: from an earlier function\n  severity: info\n"},
	{"List", 0, "apiVersion: v1\nkind: List\nitems:\n", "", "metadata:\n  resourceVersion: \"\"\n"},
}

// TestResourceListInParts checks that a ResourceList read in parts gives what it gives read
// whole: the items, their results, the list written, or the error. The items are golden
// inputs, three to a list, in the shapes above, and as kyaml writes them with the internal
// annotations kustomize gives them.
func TestResourceListInParts(t *testing.T) {
	seeds := goldenInputs(t, "../migrate/testdata")
	parts, lists := 0, 0
	for i, seed := range seeds {
		if d := yamldoc.Decode("g.yaml", seed); len(d.Docs()) != 1 || bytes.HasPrefix(bytes.TrimSpace(seed), []byte("{")) {
			continue
		}
		next := string(seeds[(i+1)%len(seeds)])
		for _, s := range listShapes {
			items := []string{asItem(string(seed), s.col), asItem(next, s.col), asItem(string(seed), s.col)}
			data := []byte(s.head + strings.Join(items, s.sep) + s.trail)
			lists++
			if assertSameList(t, data, fmt.Sprintf("golden input %d in a %s list", i, s.name)) {
				parts++
			}
		}
		if data, ok := annotatedList(seed, []byte(next)); ok {
			lists++
			if assertSameList(t, data, fmt.Sprintf("golden input %d in a list written by kyaml", i)) {
				parts++
			}
		}
	}
	t.Logf("%d of %d lists read in parts", parts, lists)
	assert.Greater(t, parts, lists*3/4, "too few lists were read in parts for the comparison to mean much")
}

// annotatedList is a ResourceList of two documents and a copy of the first, as kyaml writes
// them for a function, with the annotations of their file and index.
func annotatedList(docs ...[]byte) ([]byte, bool) {
	var items []*yaml.RNode
	for k, doc := range append(docs, docs[0]) {
		n, err := yaml.Parse(string(doc))
		if err != nil || n.YNode().Kind != yaml.MappingNode {
			return nil, false
		}
		//lint:ignore SA1019 kyaml still writes the legacy annotations beside the new ones, and the split must keep both
		for key, v := range map[string]string{kioutil.PathAnnotation: fmt.Sprintf("dir/%d.yaml", k), kioutil.IndexAnnotation: "0", kioutil.LegacyPathAnnotation: fmt.Sprintf("dir/%d.yaml", k), kioutil.LegacyIndexAnnotation: "0", kioutil.IdAnnotation: fmt.Sprint(k)} {
			if n.PipeE(yaml.SetAnnotation(key, v)) != nil {
				return nil, false
			}
		}
		items = append(items, n)
	}
	fc, err := yaml.Parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fc\ndata:\n  placement: before-init\n")
	if err != nil {
		return nil, false
	}
	var b bytes.Buffer
	w := kyio.ByteWriter{Writer: &b, KeepReaderAnnotations: true, WrappingKind: kyio.ResourceListKind, WrappingAPIVersion: kyio.ResourceListAPIVersion, FunctionConfig: fc}
	if w.Write(items) != nil {
		return nil, false
	}
	return b.Bytes(), true
}

// TestResourceListCut checks where the cut falls, and the lists it refuses: those are read
// whole, with the same outcome.
func TestResourceListCut(t *testing.T) {
	pod := func(name, extra string) string {
		return "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: " + name + "\n  spec:\n    containers:\n    - name: app\n      image: app\n" + extra
	}
	head := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"
	// laughs is nested aliases that stand for 600,000 nodes, more than half the limit.
	laughs := func(p string) string {
		s := "  lol:\n    " + p + "0: &" + p + "0 [x, x, x, x, x, x, x, x, x, x]\n"
		for k := 1; k < 5; k++ {
			s += fmt.Sprintf("    %s%d: &%s%d [%s]\n", p, k, p, k, strings.TrimSuffix(strings.Repeat("*"+p+strconv.Itoa(k-1)+", ", 10), ", "))
		}
		return s + fmt.Sprintf("    %s5: [*%s4, *%s4, *%s4, *%s4, *%s4, *%s4]\n", p, p, p, p, p, p, p)
	}
	proxy := "    - name: istio-proxy\n      image: docker.io/istio/proxyv2:1.22.0\n"
	for _, c := range []struct {
		name, doc string
		chunks    []int // items in each chunk; nil when the list is not cut
	}{
		{name: "one item to a chunk", doc: head + pod("a", proxy) + pod("b", proxy) + pod("c", "") + "functionConfig: {}\n", chunks: []int{1, 1, 1}},
		{name: "comments before a dash keep the items around it together", doc: head + pod("a", proxy) + "# b\n" + pod("b", proxy) + pod("c", proxy+"      # the end\n") + pod("d", ""), chunks: []int{2, 2}},
		{name: "a comment after the last item", doc: head + pod("a", proxy) + pod("b", proxy) + "# end\nfunctionConfig: {}\n", chunks: []int{1, 1}},
		{name: "blank lines", doc: head + "\n" + pod("a", proxy) + "\n\n" + pod("b", proxy) + "\n", chunks: []int{1, 1}},
		{name: "a block scalar", doc: head + pod("a", "      args:\n      - |\n        set -e\n\n        exec app\n") + pod("b", proxy), chunks: []int{1, 1}},
		{name: "a document marker", doc: "---\n" + head + pod("a", proxy) + pod("b", proxy)},
		{name: "two documents", doc: head + pod("a", proxy) + "---\n" + head + pod("b", proxy)},
		{name: "flow items", doc: head[:len(head)-1] + " [\n" + "{kind: Pod}]\n"},
		{name: "items not a sequence", doc: head + "  a: 1\n"},
		{name: "a tab", doc: head + pod("a", proxy) + "\tkind: x\n"},
		{name: "a quoted scalar over an item's dash", doc: head + pod("a", "      command: [\"sh\", \"-c\", \"echo\n- a: b\"]\n") + pod("b", proxy)},
		{name: "a quoted key over the items line", doc: "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nx: \"\nitems:\n\"\nitems:\n" + pod("a", proxy)},
		{name: "an alias of another item's anchor", doc: head + pod("a", "    - &p\n      name: istio-proxy\n      image: docker.io/istio/proxyv2:1.22.0\n") + pod("b", "    - *p\n")},
		{name: "an alias of the head's anchor", doc: "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nx: &img docker.io/istio/proxyv2:1.22.0\nitems:\n" + pod("a", proxy) + pod("b", "    - name: istio-proxy\n      image: *img\n")},
		{name: "an alias in the tail", doc: head + pod("a", "    - &p\n      name: istio-proxy\n      image: docker.io/istio/proxyv2:1.22.0\n") + pod("b", proxy) + "functionConfig:\n  p: *p\n"},
		{name: "aliases within the limit", doc: head + pod("a", laughs("a")) + pod("b", proxy), chunks: []int{1, 1}},
		{name: "aliases within the limit in each item, over it together", doc: head + pod("a", laughs("a")) + pod("b", laughs("b"))},
		{name: "a key set twice in the list", doc: head + pod("a", proxy) + "items: []\n"},
		{name: "the items key set twice in the head", doc: "items: []\n" + head + pod("a", proxy)},
		{name: "a dash alone on its line, and one with a comment", doc: head + "-\n  kind: Pod\n- # b\n\n  # and more\n  kind: Pod\n" + pod("c", proxy), chunks: []int{1, 1, 1}},
		{name: "CRLF", doc: strings.ReplaceAll(head+pod("a", proxy)+pod("b", proxy), "\n", "\r\n")},
	} {
		p, ok := splitResourceList([]byte(c.doc))
		var chunks []int
		for _, ch := range p.chunks {
			chunks = append(chunks, ch.n)
		}
		if c.chunks != nil {
			require.True(t, ok, c.name)
			assert.Equal(t, c.chunks, chunks, c.name)
		}
		got, parts := runList(t, []byte(c.doc), true)
		want, _ := runList(t, []byte(c.doc), false)
		assert.Equal(t, want, got, c.name)
		if strings.HasSuffix(c.name, "over it together") {
			assert.Contains(t, want, "alias bomb", c.name)
		}
		assert.Equal(t, c.chunks != nil, parts, "%s: read in parts", c.name)
	}
}

// FuzzResourceListInParts checks that a list read in parts comes out as when read whole, for
// any list. It is seeded with the golden inputs in the list shapes of TestResourceListInParts.
func FuzzResourceListInParts(f *testing.F) {
	for i, seed := range goldenInputs(f, "../migrate/testdata") {
		s := listShapes[i%len(listShapes)]
		f.Add([]byte(s.head + asItem(string(seed), s.col) + s.sep + asItem(string(seed), s.col) + s.trail))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, _ := runList(t, data, true)
		want, _ := runList(t, data, false)
		if got != want {
			t.Fatalf("read in parts:\n%s\nread whole:\n%s", got, want)
		}
	})
}
