package udiff

import (
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
	"github.com/stretchr/testify/require"
)

// TestLineOpsTrimmed: keeping the common prefix and suffix outside go-diff, and mapping the
// lines to runes without DiffLinesToChars, gives the script of go-diff's line mode on the
// whole files, on many random files of few distinct lines, where go-diff's sliding of edits
// into kept lines comes up often.
func TestLineOpsTrimmed(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []string{"A\n", "B\n", "---\n", "C\n"}
	random := func(n int) []string {
		lines := make([]string, n)
		for i := range lines {
			lines[i] = alphabet[rng.Intn(len(alphabet))]
		}
		return lines
	}
	// Only the last line of a file may have no newline.
	noFinalNewline := func(lines []string) {
		if len(lines) > 0 && rng.Intn(4) == 0 {
			lines[len(lines)-1] = strings.TrimSuffix(lines[len(lines)-1], "\n")
		}
	}
	for range 20000 {
		a := random(rng.Intn(12))
		b := append([]string(nil), a...)
		for range 1 + rng.Intn(3) {
			at := rng.Intn(len(b) + 1)
			switch rng.Intn(3) {
			case 0:
				b = append(b[:at:at], append(random(1+rng.Intn(4)), b[at:]...)...)
			case 1:
				if at < len(b) {
					b = append(b[:at:at], b[min(at+1+rng.Intn(3), len(b)):]...)
				}
			default:
				if at < len(b) {
					b[at] = alphabet[rng.Intn(len(alphabet))]
				}
			}
		}
		noFinalNewline(a)
		noFinalNewline(b)
		require.Equal(t, appendOps([]op{}, libraryDiffs(a, b), 0), lineOps(a, b), "a=%q b=%q", a, b)
	}
	// The edge case itself: "B A" inserted after a kept "A" is written as "A B" before it.
	a, b := []string{"A\n", "C\n"}, []string{"A\n", "B\n", "A\n", "C\n"}
	require.Equal(t, []op{{'+', 0, 0}, {'+', 0, 1}, {' ', 0, 2}, {' ', 1, 3}}, lineOps(a, b))
}

// libraryDiffs diffs lines a and b with go-diff's own line mode.
func libraryDiffs(a, b []string) []diffmatchpatch.Diff {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	ca, cb, _ := dmp.DiffLinesToChars(strings.Join(a, ""), strings.Join(b, ""))
	return dmp.DiffMain(ca, cb, false)
}

// TestLineRune: every distinct line gets a distinct rune (they increase) that survives the
// conversion to a string go-diff makes: no surrogate, up to the last code point.
func TestLineRune(t *testing.T) {
	prev := rune(-1)
	for n := range maxLineRunes {
		r := lineRune(n)
		if !utf8.ValidRune(r) || r <= prev {
			t.Fatalf("line %d: rune %U after %U", n, r, prev)
		}
		prev = r
	}
	require.Equal(t, rune(utf8.MaxRune), prev)
	require.Equal(t, []rune{0xD7FF, 0xE000}, []rune(string([]rune{lineRune(0xD7FF), lineRune(0xD800)})))
}
