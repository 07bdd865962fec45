package kio

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDuplicateKeys checks that a key set twice in one mapping is an error at the second one,
// in small mappings and in large ones, and that the same key in different mappings, or merge
// keys, are not.
func TestDuplicateKeys(t *testing.T) {
	var wide strings.Builder
	for i := range 20 {
		fmt.Fprintf(&wide, "  k%d: v\n", i)
	}
	tests := []struct {
		name, doc string
		want      string // the error, or "" for none
	}{
		{"container name set twice",
			"kind: Pod\nspec:\n  containers:\n  - name: app\n    image: a\n    name: other\n",
			`line 16: the key "name" is already set at line 14 of this mapping`},
		{"large mapping",
			"kind: ConfigMap\ndata:\n" + wide.String() + "  k7: again\n",
			`line 33: the key "k7" is already set at line 20 of this mapping`},
		{"quoted and plain spelling",
			"kind: Pod\nmetadata:\n  name: p\n  \"name\": q\n",
			`line 14: the key "name" is already set at line 13 of this mapping`},
		{"same key in different mappings",
			"kind: Pod\nspec:\n  containers:\n  - name: app\n  - name: proxy\n", ""},
		{"merge keys",
			"base: &b {image: a}\nextra: &e {tty: true}\nc:\n  <<: *b\n  <<: *e\n  name: app\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const first = 11 // the document starts at line 11 of its file
			doc, perr := yamldoc.Parse([]byte(tc.doc), first)
			require.Nil(t, perr)
			err := checkDocument([]byte(tc.doc), first, doc, nil)
			if tc.want == "" {
				assert.Nil(t, err)
				return
			}
			require.NotNil(t, err)
			assert.Contains(t, fmt.Sprintf("line %d: %s", err.Line, err.Msg), tc.want)
		})
	}
}
