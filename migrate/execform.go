package migrate

import (
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A watcher reduced to running its process is written back in exec form when the shell adds
// nothing: the program and its literal arguments become the container's command.

// execWords returns the words of a script that only execs one program with literal
// arguments, which an exec-form command runs the same without a shell; nil otherwise.
func execWords(script string) []string {
	f, err := shell.Parse(script)
	if err != nil || len(f.Stmts) != 1 {
		return nil
	}
	st := f.Stmts[0]
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || st.Background || st.Negated || len(st.Redirs) > 0 || len(call.Assigns) > 0 || len(call.Args) < 2 || call.Args[0].Lit() != "exec" {
		return nil
	}
	var words []string
	for _, a := range call.Args[1:] {
		w := shell.WordText(a)
		// "$" would be expanded by the kubelet ($(VAR)); globs, "~" and escapes by the shell.
		if w == "" || strings.Contains(w, "$") {
			return nil
		}
		for _, part := range a.Parts {
			if lit, ok := part.(*syntax.Lit); ok && strings.ContainsAny(lit.Value, "*?[]{}~\\") {
				return nil
			}
		}
		words = append(words, w)
	}
	return words
}

// execFormEdits replaces the shell words of a container (from the shell to the script)
// with the words of the program it execs, in the style of the shell word: reused items
// first, then new ones after the script's item.
func execFormEdits(t podTemplate, s *shellScript, words []string) []Edit {
	// Each list keeps the quoting of its first item (a block scalar's list: plain words).
	style := func(seq *yaml.Node) yaml.Style {
		if st := seq.Content[0].Style; st&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
			return st
		}
		return 0
	}
	var edits []Edit
	used := min(len(words), len(s.words))
	for i, n := range s.words {
		if i < used {
			edits = append(edits, edit(t, n, Edit{Op: OpSet, Value: words[i], Style: style(s.seqs[n]), Tag: "!!str", Restyle: true}))
			continue
		}
		edits = append(edits, edit(t, n, Edit{Op: OpDelete, Prune: true}))
	}
	last := s.words[used-1]
	for _, w := range words[used:] {
		edits = append(edits, edit(t, last, Edit{Op: OpInsertAfter, Value: w, Tag: "!!str", Style: style(s.seqs[last])}))
	}
	return edits
}

func indexOfNode(list []*yaml.Node, n *yaml.Node) int {
	for i, x := range list {
		if x == n {
			return i
		}
	}
	return -1
}
