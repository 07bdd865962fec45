package linediff

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAnchors(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want [][2]int
	}{
		{"a b c", "a b c", [][2]int{{0, 0}, {1, 1}, {2, 2}}},
		// x and y occur twice: never anchors.
		{"x a x b", "x a y b y", [][2]int{{1, 1}, {3, 3}}},
		// c moved up: the longest order kept is a, b, d.
		{"a b c d", "c a b d", [][2]int{{0, 1}, {1, 2}, {3, 3}}},
		{"a b", "c d", nil},
		{"", "", nil},
	} {
		assert.Equal(t, c.want, Anchors(strings.Fields(c.a), strings.Fields(c.b)), "%q -> %q", c.a, c.b)
	}
}
