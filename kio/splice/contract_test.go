package splice

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// contractCase is one clause of the edit contract (doc.go): a source document, an edit of
// its parsed tree, and the bytes Render must write, or "" when it must refuse the edit.
type contractCase struct {
	name string
	src  string
	edit func(root *yaml.Node)
	want string
}

// at returns the node at path under n: mapping keys, and indices of sequence items.
func at(n *yaml.Node, path ...string) *yaml.Node {
	for _, p := range path {
		if n.Kind == yaml.SequenceNode {
			i, _ := strconv.Atoi(p)
			n = n.Content[i]
			continue
		}
		n = n.Content[keyIndex(n, p)+1]
	}
	return n
}

func keyIndex(m *yaml.Node, key string) int {
	for i := 0; i < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	panic("no key " + key)
}

// remove deletes the pair key from mapping m.
func remove(m *yaml.Node, key string) {
	i := keyIndex(m, key)
	m.Content = append(m.Content[:i], m.Content[i+2:]...)
}

// insert adds the pair key: value to mapping m before the pair at position pos.
func insert(m *yaml.Node, pos int, key string, value *yaml.Node) {
	k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}
	m.Content = append(m.Content[:2*pos], append([]*yaml.Node{k, value}, m.Content[2*pos:]...)...)
}

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

// move takes item i out of sequence from and appends it, the same node, to sequence to.
func move(from, to *yaml.Node, i int) {
	item := from.Content[i]
	from.Content = append(from.Content[:i], from.Content[i+1:]...)
	to.Content = append(to.Content, item)
}

func runContract(t *testing.T, cases []contractCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := parse(t, c.src)
			l := Snapshot([]byte(c.src), doc)
			c.edit(doc.Content[0])
			out, err := l.Render(doc)
			if c.want == "" {
				assert.ErrorIs(t, err, ErrUnsupported, "rendered:\n%s", out)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, out)
			assert.True(t, SameTree(parse(t, out), doc), "the text does not hold the edit:\n%s", out)
		})
	}
}

func TestContractScalarEdits(t *testing.T) {
	runContract(t, []contractCase{{
		name: "untouched tree: the source comes back",
		src:  "# head\na:   1 # one\nb: [x,  y]\n",
		edit: func(*yaml.Node) {},
		want: "# head\na:   1 # one\nb: [x,  y]\n",
	}, {
		name: "plain scalar: only its changed bytes, the line comment stays",
		src:  "a: img:1.0 # pinned\nb: c\n",
		edit: func(r *yaml.Node) { at(r, "a").Value = "img:1.1" },
		want: "a: img:1.1 # pinned\nb: c\n",
	}, {
		name: "literal block: one line goes, header and indentation stay",
		src:  "s: |-\n    one\n    two\n    three\nb: c\n",
		edit: func(r *yaml.Node) { at(r, "s").Value = "one\nthree" },
		want: "s: |-\n    one\n    three\nb: c\n",
	}, {
		name: "double-quoted scalar in a flow sequence keeps its escapes",
		src:  "a: [\"x\\ty\", \"k\"]\n",
		edit: func(r *yaml.Node) { at(r, "a", "1").Value = "kk" },
		want: "a: [\"x\\ty\", \"kk\"]\n",
	}, {
		name: "new style, one-line value: the scalar is written again on its line",
		src:  "- |\n  one\n- b\n",
		edit: func(r *yaml.Node) { r.Content[0].Value, r.Content[0].Style = "one", 0 },
		want: "- one\n- b\n",
	}, {
		name: "line feed into a folded scalar: refused",
		src:  "a: >\n  x\nb: c\n",
		edit: func(r *yaml.Node) { at(r, "a").Value = "x\ny\n" },
	}})
}

func TestContractDeletedEntries(t *testing.T) {
	runContract(t, []contractCase{{
		name: "block pair: its head comment and its lines go",
		src:  "a: 1\n# about b\nb:\n  c: 2\nd: 3\n",
		edit: func(r *yaml.Node) { remove(r, "b") },
		want: "a: 1\nd: 3\n",
	}, {
		name: "last block pair: the blank line before the next document part stays outside",
		src:  "m:\n  a: 1\n  b: 2\n\nn: 3\n",
		edit: func(r *yaml.Node) { remove(at(r, "m"), "b") },
		want: "m:\n  a: 1\n\nn: 3\n",
	}, {
		name: "flow pair: cut with its separator",
		src:  "m: {a: 1, b: 2, c: 3}\n",
		edit: func(r *yaml.Node) { remove(at(r, "m"), "b") },
		want: "m: {a: 1, c: 3}\n",
	}, {
		name: "last flow item: cut with the separator before it",
		src:  "s: [x, y]\n",
		edit: func(r *yaml.Node) { s := at(r, "s"); s.Content = s.Content[:1] },
		want: "s: [x]\n",
	}, {
		name: "emptied collection: refused",
		src:  "m:\n  a: 1\nn: 2\n",
		edit: func(r *yaml.Node) { remove(at(r, "m"), "a") },
	}, {
		name: "first key sharing the dash line: refused",
		src:  "- name: a\n  image: b\n",
		edit: func(r *yaml.Node) { remove(r.Content[0], "name") },
	}})
}

func TestContractNewKeys(t *testing.T) {
	runContract(t, []contractCase{{
		name: "one-line scalar at its place, at its siblings' column",
		src:  "- name: a\n  image: b # c\n",
		edit: func(r *yaml.Node) { insert(r.Content[0], 1, "restartPolicy", scalar("Always")) },
		want: "- name: a\n  restartPolicy: Always\n  image: b # c\n",
	}, {
		name: "new block mapping, serialized in the document's indentation",
		src:  "a:\n    b: 1\n",
		edit: func(r *yaml.Node) {
			m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{scalar("x"), scalar("y")}}
			insert(r, 1, "c", m)
		},
		want: "a:\n    b: 1\nc:\n    x: y\n",
	}, {
		name: "flow mapping: the new key is quoted like its neighbours",
		src:  "{\"a\": \"1\", \"c\": \"3\"}\n",
		edit: func(r *yaml.Node) { insert(r, 2, "b", scalar("2")) },
		want: "{\"a\": \"1\", \"c\": \"3\", \"b\": \"2\"}\n",
	}, {
		name: "reordered pairs: refused",
		src:  "a: 1\nb: 2\n",
		edit: func(r *yaml.Node) {
			r.Content[0], r.Content[1], r.Content[2], r.Content[3] = r.Content[2], r.Content[3], r.Content[0], r.Content[1]
		},
	}, {
		name: "renamed key over a collection: refused",
		src:  "a:\n  b: 1\nc: 2\n",
		edit: func(r *yaml.Node) { r.Content[0].Value = "z" },
	}, {
		name: "new item that is not a scalar: refused",
		src:  "s:\n- a\n",
		edit: func(r *yaml.Node) {
			s := at(r, "s")
			s.Content = append(s.Content, &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{scalar("k"), scalar("v")}})
		},
	}})
}

func TestContractMovedNodes(t *testing.T) {
	const pod = "containers:\n- name: app\n- name: proxy # the sidecar\n  image: p\n\ninit:\n  - name: setup\n"
	runContract(t, []contractCase{{
		name: "item pointer moved to a sequence at another column: copied and re-indented",
		src:  pod,
		edit: func(r *yaml.Node) { move(at(r, "containers"), at(r, "init"), 1) },
		want: "containers:\n- name: app\n\ninit:\n  - name: setup\n  - name: proxy # the sidecar\n    image: p\n",
	}, {
		name: "item pointer moved to the sequence of a new key, in the sibling sequence's style",
		src:  "containers:\n- name: app\n- name: proxy\nvolumes: []\n",
		edit: func(r *yaml.Node) {
			seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			move(at(r, "containers"), seq, 1)
			insert(r, 0, "initContainers", seq)
		},
		want: "initContainers:\n- name: proxy\ncontainers:\n- name: app\nvolumes: []\n",
	}, {
		name: "deep copy instead of the pointer: a new node, refused as a new item",
		src:  pod,
		edit: func(r *yaml.Node) {
			c := *at(r, "containers", "1")
			at(r, "init").Content = append(at(r, "init").Content, &c)
		},
	}, {
		name: "empty flow sequence given moved items and block style",
		src:  "a:\n- x: 1\n- y: 2\n# keep\nb: [] # none yet\n",
		edit: func(r *yaml.Node) { b := at(r, "b"); b.Style = 0; move(at(r, "a"), b, 1) },
		want: "a:\n- x: 1\n# keep\nb: # none yet\n- y: 2\n",
	}, {
		name: "null value made, in place, a sequence of moved items",
		src:  "a:\n- x: 1\n- y: 2\nb:\n",
		edit: func(r *yaml.Node) {
			b := at(r, "b")
			*b = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			move(at(r, "a"), b, 0)
		},
		want: "a:\n- y: 2\nb:\n- x: 1\n",
	}, {
		name: "value swapped for a new node: refused",
		src:  "a:\n- x: 1\n- y: 2\nb:\n",
		edit: func(r *yaml.Node) {
			seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			move(at(r, "a"), seq, 0)
			r.Content[3] = seq
		},
	}})
}

func TestContractSharedAndFlowNodes(t *testing.T) {
	runContract(t, []contractCase{{
		name: "shared mapping under a new key: its lines copied",
		src:  "readiness:\n  path: /ready # http\n  port: 8080\nimage: x\n",
		edit: func(r *yaml.Node) { insert(r, 1, "startup", at(r, "readiness")) },
		want: "readiness:\n  path: /ready # http\n  port: 8080\nstartup:\n  path: /ready # http\n  port: 8080\nimage: x\n",
	}, {
		name: "flow items moved to a new key with flow style copied: laid out like their source",
		src:  "containers: [ {name: a}, {name: b} ]\nx: 1\n",
		edit: func(r *yaml.Node) {
			seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
			move(at(r, "containers"), seq, 1)
			insert(r, 1, "init", seq)
		},
		want: "containers: [ {name: a} ]\ninit: [ {name: b} ]\nx: 1\n",
	}, {
		name: "flow items moved to a new key left in block style: refused",
		src:  "containers: [{name: a}, {name: b}]\nx: 1\n",
		edit: func(r *yaml.Node) {
			seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			move(at(r, "containers"), seq, 1)
			insert(r, 1, "init", seq)
		},
	}, {
		name: "JSON document: a pair moved between objects by byte ranges",
		src:  "{\n  \"a\": [{\"n\": 1}, {\"n\": 2}],\n  \"b\": 3\n}\n",
		edit: func(r *yaml.Node) {
			seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
			move(at(r, "a"), seq, 0)
			insert(r, 1, "i", seq)
		},
		want: "{\n  \"a\": [{\"n\": 2}],\n  \"i\": [{\"n\": 1}],\n  \"b\": 3\n}\n",
	}})
}

// TestContractLoneCR checks that text whose lines the parser and the splicer would count
// differently is never spliced.
func TestContractLoneCR(t *testing.T) {
	src := "a: 1\rb: 2\n"
	doc := parse(t, src)
	l := Snapshot([]byte(src), doc)
	assert.Nil(t, l)
	_, err := l.Render(doc)
	assert.ErrorIs(t, err, ErrUnsupported)
}
