// Package udiff writes the unified diff that turns one file's bytes into another's, as git
// writes it, and colours such a diff for a terminal.
//
// Unified is exact enough to be applied: its headers name the path as git would (forward
// slashes, C-quoted when it holds control characters, quotes, backslashes or non-ASCII
// bytes), its hunks carry three lines of context, lines keep every byte including "\r", and a
// missing final newline is marked, so `git apply` of the result reproduces after exactly.
//
//	d := udiff.Unified("deploy.yaml", before, after) // nil when before equals after
//	if isTerminal {
//		d = udiff.Colorize(d)
//	}
//	os.Stdout.Write(d)
//
// The edit script is go-diff's Myers diff on lines, with removals before additions inside a
// change as GNU diff and git print them; Changes gives the same script as line indices, for
// callers that count what changed. A caller that moved blocks of lines names them (Move):
// their lines are then shown removed and added, and the lines around them, which stayed,
// are kept, even where a shorter script would keep the moved block instead.
package udiff
