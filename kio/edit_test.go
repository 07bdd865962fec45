package kio

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestJSONFile: migration and edits agree on which files are JSON, so a serialized document
// stays in its file's language either way.
func TestJSONFile(t *testing.T) {
	for _, tc := range []struct {
		path, body string
		want       bool
	}{
		{"a.json", "kind: Pod\n", true},
		{"a.JSON", "", true},
		{"a.yaml", "  {\"kind\": \"Pod\"}\n", true},
		{"patch.yaml", "[{\"op\": \"remove\", \"path\": \"/spec\"}]\n", true},
		{"a.yaml", "kind: Pod\n", false},
		{"a.yaml", "# {\n", false},
	} {
		assert.Equal(t, tc.want, jsonFile(tc.path, []byte(tc.body)), "%s %q", tc.path, tc.body)
	}
}

// TestEditBytesLoneCR: a document with a carriage return that starts no CRLF is serialized,
// as in a migration, since its node positions do not match its lines.
func TestEditBytesLoneCR(t *testing.T) {
	in := []byte("a: 1\rb: 2\n")
	out, fallbacks, err := EditBytes("x.yaml", in, func(_ int, doc *yaml.RNode) (bool, error) {
		return true, doc.PipeE(yaml.SetField("c", yaml.NewScalarRNode("3")))
	})
	require.NoError(t, err)
	assert.Equal(t, 1, fallbacks)
	docs, err := ParseDocuments("x.yaml", out)
	require.NoError(t, err)
	require.Len(t, docs, 1)
	assert.Equal(t, "c", docs[0].Node.Content[len(docs[0].Node.Content)-2].Value)
}
