package yamldoc

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestErrorQuote pins how an error quotes its line: the caret under the column, tabs kept so
// that it lines up, and of a long line only the part around the column.
func TestErrorQuote(t *testing.T) {
	long := strings.Repeat("a", 150) + "X" + strings.Repeat("b", 150)
	for _, c := range []struct {
		name string
		x    Excerpt
		want string
	}{
		{"column", Excerpt{Line: 7, Column: 5, Text: "  a: b: c"}, "  7 |   a: b: c\n    |     ^"},
		{"tab", Excerpt{Line: 12, Column: 3, Text: "\t\tx: y"}, "  12 | \t\tx: y\n     | \t\t^"},
		{"no column", Excerpt{Line: 3, Text: "x: ["}, "  3 | x: ["},
		{"long", Excerpt{Line: 1, Column: 151, Text: long},
			"  1 | ..." + strings.Repeat("a", 50) + "X" + strings.Repeat("b", 49) + "...\n    | " + strings.Repeat(" ", 53) + "^"},
		{"long, column at the start", Excerpt{Line: 1, Column: 2, Text: long},
			"  1 | " + strings.Repeat("a", 100) + "...\n    |  ^"},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, (&Error{Quoted: &c.x}).Quote())
		})
	}
	assert.Empty(t, (&Error{Line: 3}).Quote(), "nothing to quote")
}

// TestParseErrorPosition: the line and column are the problem's, counted in the file, for a
// document that starts at line 10; the line quoted is the problem's own.
func TestParseErrorPosition(t *testing.T) {
	content := []byte("a: 1\nb:\n  c: 1\n   d: 2\n")
	_, err := Parse(content, 10)
	if assert.NotNil(t, err) {
		assert.Equal(t, 13, err.Line)
		assert.Equal(t, 5, err.Column)
		assert.Equal(t, "invalid YAML: mapping values are not allowed in this context", err.Msg)
		assert.Equal(t, &Excerpt{Line: 13, Column: 5, Text: "   d: 2"}, err.Quoted)
	}
}
