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

// TestParseWorkloads: only the documents that may hold a pod are parsed, each at its own
// index among all the file's documents; a definition, a ConfigMap and a broken document
// without containers are not read, and a workload that does not parse is an error.
func TestParseWorkloads(t *testing.T) {
	in := []byte("# only a comment\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec: {containers: [}\n" +
		"---\nkind: ConfigMap\ndata: {a: [}\n---\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: app}]\n")
	docs, err := ParseWorkloads("x.yaml", in)
	require.NoError(t, err)
	require.Len(t, docs, 4)
	for i := range 3 {
		assert.Nil(t, docs[i].Node, "document %d", i)
	}
	require.NotNil(t, docs[3].Node)
	assert.Equal(t, 10, docs[3].Line)
	assert.Equal(t, "Pod", docs[3].Node.Content[1].Value)

	_, err = ParseWorkloads("x.yaml", []byte("kind: Pod\nspec:\n  containers: [\n"))
	assert.Error(t, err)
}
