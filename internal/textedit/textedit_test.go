package textedit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestApply(t *testing.T) {
	for _, tc := range []struct {
		name  string
		src   string
		edits []Edit
		want  string
		err   error
	}{
		{name: "none", src: "abc", want: "abc"},
		{name: "replace", src: "a, b, c", edits: []Edit{{6, 7, "C"}, {1, 4, ""}}, want: "a, C"},
		{name: "insert", src: "ac", edits: []Edit{{1, 1, "b"}}, want: "abc"},
		{name: "insert then delete at one offset", src: "abc", edits: []Edit{{1, 1, "X"}, {1, 2, ""}}, want: "aXc"},
		{name: "delete then insert at one offset", src: "abc", edits: []Edit{{1, 2, ""}, {1, 1, "X"}}, want: "aXc"},
		{name: "insert after a replacement at its offset", src: "abc", edits: []Edit{{1, 2, "Y"}, {1, 1, "X"}}, want: "aYXc"},
		{name: "insert at end of replacement", src: "abc", edits: []Edit{{0, 1, "A"}, {1, 1, "-"}}, want: "A-bc"},
		{name: "touching deletions", src: "abcd", edits: []Edit{{1, 2, ""}, {2, 3, ""}}, want: "ad"},
		{name: "overlapping deletions keep the union", src: "abcdef", edits: []Edit{{1, 4, ""}, {2, 5, ""}, {3, 4, ""}}, want: "af"},
		{name: "replacement inside a deletion", src: "abcdef", edits: []Edit{{1, 4, ""}, {2, 3, "X"}}, err: ErrOverlap},
		{name: "deletion inside a replacement", src: "abcdef", edits: []Edit{{1, 4, "X"}, {2, 3, ""}}, err: ErrOverlap},
		{name: "insertion inside a deletion", src: "abcdef", edits: []Edit{{1, 4, ""}, {2, 2, "X"}}, err: ErrOverlap},
		{name: "reversed", src: "abc", edits: []Edit{{2, 1, ""}}, err: ErrRange},
		{name: "past the end", src: "abc", edits: []Edit{{2, 4, ""}}, err: ErrRange},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Apply(tc.src, tc.edits)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestApplyRange(t *testing.T) {
	got, err := ApplyRange("x[a, b]y", 1, 7, []Edit{{3, 6, ""}})
	require.NoError(t, err)
	assert.Equal(t, "[a]", got)

	_, err = ApplyRange("x[a, b]y", 1, 7, []Edit{{0, 2, ""}})
	require.ErrorIs(t, err, ErrRange)
}

func TestApplyKeepsEdits(t *testing.T) {
	edits := []Edit{{2, 3, ""}, {0, 1, ""}}
	_, err := Apply("abc", edits)
	require.NoError(t, err)
	assert.Equal(t, []Edit{{2, 3, ""}, {0, 1, ""}}, edits, "Apply sorts a copy")
}
