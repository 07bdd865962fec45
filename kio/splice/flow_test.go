package splice

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBracketEnd(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"plain", `{a: 1, b: [2, 3]} tail`, `{a: 1, b: [2, 3]}`},
		{"quoted bracket", `["]", '}'] tail`, `["]", '}']`},
		{"json", `{"a":"}","b":["]"]} tail`, `{"a":"}","b":["]"]}`},
		// A quote inside a plain scalar opens nothing (found by FuzzMigrate).
		{"quote in plain scalar", `[{0": [0"]}], "x": 1}`, `[{0": [0"]}]`},
		{"apostrophe in plain scalar", `[don't, stop] tail`, `[don't, stop]`},
		{"comment", "[a, # ]\n b] tail", "[a, # ]\n b]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, len(tc.want), bracketEnd(tc.text, 0))
		})
	}
	assert.Equal(t, -1, bracketEnd(`[a, "b]`, 0), "an unclosed quote has no end")
}
