package splice

import (
	"bytes"
	"encoding/json"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Serialize writes an edited document whole, the fallback when Render cannot splice it or
// its text does not hold the edit. content is the document's original text: JSON (asJSON)
// stays JSON, in the indentation of content and with its trailing white space; YAML is
// written in the indentation style of content.
func Serialize(doc *yaml.Node, content []byte, asJSON bool) (string, error) {
	if asJSON {
		return encodeJSON(doc.Content[0], jsonIndent(string(content))) + trailingSpace(content), nil
	}
	return encodeYAML(doc, detectStyle(splitLines(content)))
}

func trailingSpace(b []byte) string {
	return string(b[len(bytes.TrimRight(b, " \t\n")):])
}

// SameTree reports whether two trees hold the same data: the same kinds, resolved tags,
// values and order, whatever their style, comments or positions. Aliases are compared by
// name, never expanded.
func SameTree(a, b *yaml.Node) bool {
	if a.Kind == yaml.DocumentNode && len(a.Content) == 1 {
		a = a.Content[0]
	}
	if b.Kind == yaml.DocumentNode && len(b.Content) == 1 {
		b = b.Content[0]
	}
	if a.Kind != b.Kind || len(a.Content) != len(b.Content) || a.Anchor != b.Anchor {
		return false
	}
	switch a.Kind {
	case yaml.ScalarNode:
		return a.Value == b.Value && a.ShortTag() == b.ShortTag()
	case yaml.AliasNode:
		return a.Value == b.Value
	}
	for i := range a.Content {
		if !SameTree(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// style is how a file indents, detected from its lines so that serialized output
// follows it.
type style struct {
	indent  int  // spaces per nesting level
	compact bool // sequences not indented under their key ("key:\n- a")
}

func detectStyle(lines []string) style {
	st := style{indent: 2}
	foundIndent, foundSeq := false, false
	for i := 0; i+1 < len(lines) && !(foundIndent && foundSeq); i++ {
		cur := strings.TrimRight(lines[i], "\n")
		if !strings.HasSuffix(cur, ":") || isComment(cur) {
			continue
		}
		next := lines[i+1]
		if isBlank(next) || isComment(next) {
			continue
		}
		d := indentOf(next) - indentOf(cur)
		if strings.HasPrefix(strings.TrimSpace(next), "- ") {
			if !foundSeq {
				st.compact, foundSeq = d == 0, true
			}
			continue
		}
		if !foundIndent && d > 0 {
			st.indent, foundIndent = d, true
		}
	}
	return st
}

// encodeYAML serializes a document in the given style; it is the fallback when the edit
// cannot be spliced into the original lines.
func encodeYAML(doc *yaml.Node, st style) (string, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(st.indent)
	if st.compact {
		enc.CompactSeqIndent()
	}
	if err := enc.Encode(doc); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// encodeJSON writes a tree as JSON with the given indentation unit, keeping key order.
// JSON input has no comments, so writing the edited tree with the file's own indentation
// changes only the edited lines.
func encodeJSON(n *yaml.Node, indent string) string {
	var b strings.Builder
	writeJSON(&b, n, indent, "")
	return b.String()
}

func writeJSON(b *strings.Builder, n *yaml.Node, indent, prefix string) {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	sep, inner := "\n", prefix+indent
	if indent == "" {
		sep, inner = "", ""
	}
	colon := ": "
	if indent == "" {
		colon = ":"
	}
	switch n.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		open, closing, step := "{", "}", 2
		if n.Kind == yaml.SequenceNode {
			open, closing, step = "[", "]", 1
		}
		b.WriteString(open)
		if len(n.Content) == 0 {
			b.WriteString(closing)
			return
		}
		for i := 0; i < len(n.Content); i += step {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(sep + inner)
			if step == 2 {
				b.WriteString(jsonString(n.Content[i].Value) + colon)
			}
			writeJSON(b, n.Content[i+step-1], indent, inner)
		}
		b.WriteString(sep + prefix + closing)
	default:
		switch n.ShortTag() {
		case "!!int", "!!float", "!!bool", "!!null":
			b.WriteString(n.Value)
		default:
			b.WriteString(jsonString(n.Value))
		}
	}
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// jsonIndent guesses the indentation unit of a JSON text from its second line.
func jsonIndent(content string) string {
	lines := strings.SplitN(content, "\n", 3)
	if len(lines) < 2 {
		return ""
	}
	second := lines[1]
	return second[:len(second)-len(strings.TrimLeft(second, " \t"))]
}
