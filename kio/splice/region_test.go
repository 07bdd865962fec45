package splice

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestRegion checks which rendered texts Region proves by one entry, and which it leaves to
// the whole text: each case edits its source, renders it (or, with spoil, changes the
// rendered text as a wrong splice could), and names the region's text, or "" for none.
func TestRegion(t *testing.T) {
	pod := "kind: Pod\nspec:\n  containers:\n  - name: app\n    image: app:1\n  - name: proxy\n    image: proxy:1\n  volumes: []\n"
	moveProxy := func(root *yaml.Node) {
		spec := at(root, "spec")
		init := &yaml.Node{Kind: yaml.SequenceNode}
		insert(spec, 0, "initContainers", init)
		move(at(spec, "containers"), init, 1)
	}
	cases := []struct {
		name, src string
		edit      func(root *yaml.Node)
		spoil     func(text string) string
		want      string
	}{
		{name: "a scalar", src: pod, edit: func(root *yaml.Node) { at(root, "spec", "containers", "0", "image").Value = "app:2" },
			want: "    image: app:2\n"},
		{name: "a move inside one mapping", src: pod, edit: moveProxy,
			want: "spec:\n  initContainers:\n  - name: proxy\n    image: proxy:1\n  containers:\n  - name: app\n    image: app:1\n  volumes: []\n"},
		{name: "two entries", src: pod, edit: func(root *yaml.Node) {
			at(root, "kind").Value = "Job"
			at(root, "spec", "containers", "0", "image").Value = "app:2"
		}},
		{name: "an anchor in the document", src: strings.Replace(pod, "kind: Pod", "kind: &k Pod", 1),
			edit: func(root *yaml.Node) { at(root, "spec", "containers", "0", "image").Value = "app:2" }},
		{name: "a blank line after a last block scalar", src: "a: 1\nb: |+\n  x\n\n",
			edit: func(root *yaml.Node) { at(root, "a").Value = "2" }, want: "a: 2\n"},
		{name: "a blank line after the region", src: "a:\n  b: 1\n\n",
			edit: func(root *yaml.Node) { at(root, "a", "b").Value = "2" }},
		{name: "a line after the region indented more", src: pod + "status: {}\n", edit: moveProxy,
			spoil: func(s string) string { return strings.Replace(s, "\nstatus", "\n status", 1) }},
		{name: "a document marker in the region", src: pod, edit: moveProxy,
			spoil: func(s string) string { return strings.Replace(s, "  containers:\n", "...\n  containers:\n", 1) }},
		{name: "a region that starts with a deeper comment", src: pod, edit: moveProxy,
			spoil: func(s string) string { return strings.Replace(s, "spec:\n", "  # x\nspec:\n", 1) }},
		{name: "a region that ends on a comment", src: pod + "x: 1\n", edit: moveProxy,
			spoil: func(s string) string { return strings.Replace(s, "  volumes: []\n", "  volumes: []\n  # x\n", 1) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := parse(t, c.src)
			l := Snapshot([]byte(c.src), doc)
			c.edit(doc.Content[0])
			text, err := l.Render(doc)
			require.NoError(t, err)
			if c.spoil != nil {
				text = c.spoil(text)
			}
			r, ok := l.Region(doc, text)
			if c.want == "" {
				assert.False(t, ok, "region %q of:\n%s", r.Text, text)
				return
			}
			require.True(t, ok, "no region in:\n%s", text)
			assert.Equal(t, c.want, r.Text)
			assert.True(t, r.Holds(parse(t, r.Text)), "the region does not hold the edit")
			assert.True(t, SameTree(parse(t, text), doc), "the text does not hold the edit")
		})
	}
}
