package yamldoc

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestIsJSON: the one definition of a JSON file, which migration and edits share, so a
// serialized document stays in its file's language either way.
func TestIsJSON(t *testing.T) {
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
		assert.Equal(t, tc.want, IsJSON(tc.path, []byte(tc.body)), "%s %q", tc.path, tc.body)
	}
}
