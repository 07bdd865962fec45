package shell

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"mvdan.cc/sh/v3/syntax"
)

// TestStmtCut removes one statement (by index) and checks the text left: a statement alone
// on its line takes the line, one that shares it takes its separator.
func TestStmtCut(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		stmt       int
		want       string
	}{
		{"own line", "a\nb\nc\n", 1, "a\nc\n"},
		{"last line, no final newline", "a\nb", 1, "a"},
		{"first of a line", "a; b\n", 0, "b\n"},
		{"last of a line", "a; b\n", 1, "a\n"},
		{"a compound statement", "if x; then\n  a\nfi\nb\n", 0, "b\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.text)
			require.NoError(t, err)
			out, err := ApplyCuts(tc.text, f, []Cut{StmtCut(tc.text, f.Stmts[tc.stmt])}, nil)
			require.NoError(t, err)
			assert.Equal(t, tc.want, out)
		})
	}
}

// TestApplyCutsRefuses checks the proof: an edit that does not parse, that overlaps
// another, or that changes a kept statement is an error.
func TestApplyCutsRefuses(t *testing.T) {
	text := "a && b\nc \"$x\"\n"
	f, err := Parse(text)
	require.NoError(t, err)
	for name, cuts := range map[string][]Cut{
		"does not parse":           {{From: 9, To: 10}}, // c $x"
		"overlapping":              {{From: 0, To: 3, Text: "z"}, {From: 2, To: 4, Text: "y"}},
		"changes a kept statement": {{From: 0, To: 1, Text: "q"}}, // q && b
		"joins two statements":     {{From: 5, To: 6}},            // a && c "$x"
	} {
		_, err := ApplyCuts(text, f, cuts, nil)
		assert.Error(t, err, name)
	}
	// The same edit is accepted when the statement it changes is declared replaced.
	out, err := ApplyCuts(text, f, []Cut{{From: 0, To: 1, Text: "q"}}, map[*syntax.Stmt]string{f.Stmts[0]: "q && b"})
	require.NoError(t, err)
	assert.Equal(t, "q && b\nc \"$x\"\n", out)
}

// TestEditedStmt prints one statement with the cuts inside it made.
func TestEditedStmt(t *testing.T) {
	text := "x\nkubexit app --flag\n"
	f, err := Parse(text)
	require.NoError(t, err)
	st := f.Stmts[1]
	from := int(st.Pos().Offset())
	assert.Equal(t, "app --flag", EditedStmt(text, st, []Cut{{From: from, To: from + len("kubexit ")}}))
	assert.Equal(t, "", EditedStmt(text, st, []Cut{{From: from, To: from + 4, Text: "("}}), "does not parse")
}

func TestWordText(t *testing.T) {
	f, err := Parse(`echo plain 'single' "dou"ble "$var" $(cmd)`)
	require.NoError(t, err)
	call, name := CallName(f.Stmts[0])
	require.Equal(t, "echo", name)
	var got []string
	for _, w := range call.Args[1:] {
		got = append(got, WordText(w))
	}
	assert.Equal(t, []string{"plain", "single", "double", "", ""}, got)
	assert.True(t, Expands(call.Args[5]))
	assert.False(t, Expands(call.Args[1]))
}
