package migrate_test

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestDecideApply checks, over every golden input document: Decide leaves the document as
// it was; the decision applied to it gives what Migrate gives on a fresh parse, with the
// same findings; the nodes the edit keeps keep their identity; and deciding again from
// scratch gives the same findings, word for word (no finding depends on map order).
func TestDecideApply(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	require.NoError(t, err)
	changed := 0
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		require.NoError(t, err)
		var input []byte
		var opts migrate.Options
		for _, f := range ar.Files {
			switch f.Name {
			case "input.yaml", "input.json":
				input = f.Data
			case "options.yaml":
				opts, err = migrate.ParseOptions(f.Data)
				require.NoError(t, err)
			}
		}
		read := func() ([]*yaml.RNode, error) {
			return (&kio.ByteReader{Reader: strings.NewReader(string(input)), OmitReaderAnnotations: true}).Read()
		}
		docs, err := read()
		freshDocs, _ := read()
		if err != nil {
			continue // cases of input that does not parse
		}
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		for i, doc := range docs {
			before := doc.MustString()
			nodes := map[*yaml.Node]bool{}
			walk(doc.YNode(), func(n *yaml.Node) { nodes[n] = true })
			d := migrate.Decide(doc, opts)
			require.Equal(t, before, doc.MustString(), "%s: Decide edited document %d", name, i)
			again := migrate.Decide(doc, opts)
			assert.True(t, reflect.DeepEqual(d.Result, again.Result), "%s: two decisions differ", name)

			fresh := freshDocs[i]
			want := migrate.Migrate(fresh, opts)
			d.Apply(doc)
			assert.Equal(t, fresh.MustString(), doc.MustString(), "%s: document %d", name, i)
			assert.Equal(t, want.Findings, d.Findings, "%s: document %d", name, i)
			if !d.Changed() || d.Failed() {
				continue
			}
			changed++
			kept := 0
			walk(doc.YNode(), func(n *yaml.Node) {
				if nodes[n] {
					kept++
				}
			})
			assert.Greater(t, kept, 1, "%s: the edited document keeps its nodes", name)
		}
	}
	assert.Greater(t, changed, 100)
}

func walk(n *yaml.Node, f func(*yaml.Node)) {
	f(n)
	for _, c := range n.Content {
		walk(c, f)
	}
}
