package kio

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

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
