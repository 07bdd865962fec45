package splice

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// parse parses one YAML document into its tree.
func parse(t *testing.T, doc string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte(doc), &n), "document:\n%s", doc)
	return &n
}

// editScalar parses doc, gives the scalar whose value starts with prefix the value value
// (and the style, when restyle is set), renders the document and checks that it parses
// back to the edited tree.
func editScalar(t *testing.T, doc, prefix, value string, restyle bool, style yaml.Style) (string, error) {
	t.Helper()
	n := parse(t, doc)
	l := Snapshot([]byte(doc), n)
	var found *yaml.Node
	var walk func(*yaml.Node)
	walk = func(x *yaml.Node) {
		if x.Kind == yaml.ScalarNode && found == nil && strings.HasPrefix(x.Value, prefix) {
			found = x
		}
		for _, c := range x.Content {
			walk(c)
		}
	}
	walk(n)
	require.NotNil(t, found, "no scalar starts with %q", prefix)
	found.Value = value
	if restyle {
		found.Style = style
	}
	out, err := l.Render(n)
	if err != nil {
		return "", err
	}
	back := parse(t, out)
	assert.True(t, SameTree(back, n), "the rendered document does not hold the edit:\n%s", out)
	return out, nil
}

func TestScalarEdit(t *testing.T) {
	cases := []struct {
		name, doc, prefix, value, want string
		style                          yaml.Style
	}{{
		name: "literal, a middle line goes",
		doc: `args:
- |
  echo a
  curl x
  echo b
image: x
`,
		prefix: "echo a", value: "echo a\necho b\n",
		want: `args:
- |
  echo a
  echo b
image: x
`,
	}, {
		name: "literal, the last line goes",
		doc: `args:
- |
  echo a
  curl x
image: x
`,
		prefix: "echo a", value: "echo a\n",
		want: `args:
- |
  echo a
image: x
`,
	}, {
		name: "literal strip, the last line goes",
		doc: `args:
  - |-
    echo a

    curl x
  - two
`,
		prefix: "echo a", value: "echo a",
		want: `args:
  - |-
    echo a
  - two
`,
	}, {
		name:   "literal keep, trailing lines stay",
		doc:    "a: |+\n  curl x\n  echo a\n\nb: c\n",
		prefix: "curl", value: "echo a\n\n",
		want: "a: |+\n  echo a\n\nb: c\n",
	}, {
		name:   "literal with an indentation indicator",
		doc:    "a: |2\n     indented\n  curl x\n  run\nb: c\n",
		prefix: "   indented", value: "   indented\nrun\n",
		want: "a: |2\n     indented\n  run\nb: c\n",
	}, {
		name:   "literal, a line changes",
		doc:    "a: |\n  proc &\n  wait\nb: c\n",
		prefix: "proc", value: "exec proc\n",
		want: "a: |\n  exec proc\nb: c\n",
	}, {
		name:   "folded, the end of a chain goes",
		doc:    "a: >\n  run --flag &&\n  curl x\nb: c\n",
		prefix: "run", value: "run --flag\n",
		want: "a: >\n  run --flag\nb: c\n",
	}, {
		name:   "folded strip, a paragraph goes",
		doc:    "a: >-\n  run\n\n  curl x\nb: c\n",
		prefix: "run", value: "run",
		want: "a: >-\n  run\nb: c\n",
	}, {
		name:   "double quoted over lines keeps its breaks",
		doc:    "a: \"/k/kubexit /bin/sh -c \\\"x\\\n  \\ -y\\\" || true\"\nb: c\n",
		prefix: "/k/kubexit", value: "/bin/sh -c \"x -y\" || true",
		want: "a: \"/bin/sh -c \\\"x\\\n  \\ -y\\\" || true\"\nb: c\n",
	}, {
		name:   "double quoted with escaped line feeds",
		doc:    "command: [\"sh\", \"-c\", \"run\\ncurl -X POST localhost:15020/quitquitquit\\n\"]\n",
		prefix: "run", value: "run\n",
		want: "command: [\"sh\", \"-c\", \"run\\n\"]\n",
	}, {
		name:   "single quoted over lines",
		doc:    "a: 'run &&\n  curl x'\nb: c\n",
		prefix: "run", value: "run",
		want: "a: 'run'\nb: c\n",
	}, {
		name:   "plain over lines",
		doc:    "a: run &&\n  curl x\nb: c\n",
		prefix: "run", value: "run",
		want: "a: run\nb: c\n",
	}, {
		name:   "a block scalar becomes a plain word",
		doc:    "args:\n- |\n  proc -x &\n  wait\n- b\n",
		prefix: "proc", value: "-x", style: 0,
		want: "args:\n- -x\n- b\n",
	}, {
		name:   "double quoted keeps its escapes",
		doc:    "a: \"caf\\u00e9 && curl x\"\nb: c\n",
		prefix: "caf", value: "caf\u00e9",
		want: "a: \"caf\\u00e9\"\nb: c\n",
	}, {
		name:   "folded with a more indented line",
		doc:    "a: >\n  run\n    spaced\n  curl x\nb: c\n",
		prefix: "run", value: "run\n  spaced\n",
		want: "a: >\n  run\n    spaced\nb: c\n",
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := editScalar(t, c.doc, c.prefix, c.value, strings.Contains(c.name, "becomes"), c.style)
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

// TestScalarEditUnsupported checks that an edit the scalar's style cannot take in place is
// refused (the caller then serializes the document) rather than written wrong.
func TestScalarEditUnsupported(t *testing.T) {
	for _, c := range []struct{ name, doc, prefix, value string }{
		{"a line feed in a folded scalar", "a: >\n  x\nb: c\n", "x", "x\ny\n"},
		{"a line feed in a single-quoted scalar", "a: 'x\n  y'\nb: c\n", "x", "x\nz"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := editScalar(t, c.doc, c.prefix, c.value, false, 0)
			assert.ErrorIs(t, err, ErrUnsupported)
		})
	}
}

// TestNewSequenceWords checks that words added to a command list are written in the list's
// style, after the words that stay.
func TestNewSequenceWords(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"block", "command:\n- sh\n- -c\n- |\n  x &\nimage: i\n", "command:\n- proc\n- -a\n- b c\n- d\nimage: i\n"},
		{"flow", "command: [\"sh\", \"-c\", \"x\"]\nimage: i\n", "command: [\"proc\", \"-a\", \"b c\", \"d\"]\nimage: i\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := parse(t, c.doc)
			l := Snapshot([]byte(c.doc), n)
			seq := n.Content[0].Content[1]
			style := seq.Content[0].Style
			for i, w := range []string{"proc", "-a", "b c"} {
				seq.Content[i].Value, seq.Content[i].Style = w, style
			}
			seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "d", Style: style})
			out, err := l.Render(n)
			require.NoError(t, err)
			assert.Equal(t, c.want, out)
		})
	}
}
