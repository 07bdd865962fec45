package migrate

import (
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
)

// Leftovers of a removed workaround that are not statements: a comment line directly above
// a removed statement that only explained it goes with it. The parser drops comments, so the
// statements kept are unchanged by this (applyCuts checks them).

// explainingComments returns cuts for the block of comment lines directly above (no blank
// line between) a statement that a deletion removes from its own line, when the block names
// it: it shares a word with the statement, or speaks of the sidecar or proxy it stopped.
func explainingComments(text string, f *syntax.File, cuts []shell.Cut) []shell.Cut {
	var extra []shell.Cut
	for i, st := range f.Stmts {
		c, ok := deletionOf(st, cuts)
		if !ok || c.From != lineStart(text, int(st.Pos().Offset())) {
			continue // not removed, or removed from a line it shares
		}
		floor := 0 // a comment must lie after the previous statement
		if i > 0 {
			floor = int(f.Stmts[i-1].End().Offset())
		}
		// The block of comment lines directly above is the statement's comment: it goes
		// whole when one of its lines names the statement, so no half sentence is left.
		words := namingWords(shell.Print(st))
		from, named := c.From, false
		for from > floor {
			prev := lineStart(text, from-1)
			line := strings.TrimSpace(text[prev : from-1])
			if prev < floor || !strings.HasPrefix(line, "#") || strings.HasPrefix(line, "#!") {
				break
			}
			named = named || commentNames(line, words)
			from = prev
		}
		if named {
			extra = append(extra, shell.Cut{From: from, To: c.From})
		}
	}
	return extra
}

// deletionOf returns the deletion cut that covers a statement.
func deletionOf(st *syntax.Stmt, cuts []shell.Cut) (shell.Cut, bool) {
	for _, c := range cuts {
		if c.Text == "" && int(st.Pos().Offset()) >= c.From && int(st.End().Offset()) <= c.To {
			return c, true
		}
	}
	return shell.Cut{}, false
}

func lineStart(text string, at int) int {
	return strings.LastIndexByte(text[:at], '\n') + 1
}

// genericWords are too common to say that a comment is about a statement.
var genericWords = map[string]bool{"http": true, "https": true, "localhost": true, "post": true, "echo": true, "true": true, "exit": true, "then": true, "done": true}

// namingWords returns the words of a statement that a comment about it would use, with the
// words for what every removed workaround stopped.
func namingWords(stmt string) map[string]bool {
	words := map[string]bool{"sidecar": true, "sidecars": true, "proxy": true}
	for _, w := range splitWords(stmt) {
		if len(w) >= 4 && !genericWords[w] {
			words[w] = true
		}
	}
	return words
}

func commentNames(comment string, words map[string]bool) bool {
	for _, w := range splitWords(comment) {
		if words[w] {
			return true
		}
	}
	return false
}

func splitWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	})
}
