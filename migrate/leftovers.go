package migrate

import (
	"fmt"
	"slices"
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

// watcherMounts proposes, once the exit-flag workaround is gone and its volume stays for
// other uses, to remove the watchers' mounts of that volume that only served the flag: the
// watcher's command, args and env no longer name the mount path, and it mounts nothing else,
// reads no envFrom and passes no config file, so nothing of its own can point into the
// volume. A mount that may still be read stays, with an info finding that says why.
func watcherMounts(m *migration, p *pod) []Proposal {
	fp := m.flags
	var watchers []string
	for _, a := range p.accepted {
		if a.Rule == ruleFlagFile && len(a.Releases.Volumes) > 0 {
			watchers = a.Releases.Containers
		}
	}
	if fp == nil || fp.hiddenWriter || len(watchers) == 0 || !listHas(lookup(p.t.spec, "volumes"), fp.volume) {
		return nil // no workaround removed, or its volume went whole
	}
	var out []Proposal
	for _, n := range containerNodes(p.t.spec) {
		c := readContainer(n)
		if !slices.Contains(watchers, c.name) {
			continue
		}
		mounts := seqItems(lookup(n, "volumeMounts"))
		for i, vm := range mounts {
			mp := strings.TrimSuffix(scalar(vm, "mountPath"), "/")
			if scalar(vm, "name") != fp.volume || mp == "" || mentions(n, mp) {
				continue
			}
			if why := mountMayBeRead(c, len(mounts)); why != "" {
				m.report(ruleFlagFile, Info, p.t, vm, c.name, "its mount of %s at %s stays: its process no longer names it, but %s, which may point into it; remove the mount if nothing reads it", fp.volume, mp, why)
				continue
			}
			out = append(out, Proposal{Rule: ruleFlagFile, Container: c.name, Line: vm.Line, Column: vm.Column,
				Message: fmt.Sprintf("its mount of %s at %s removed: it served only the exit flag, and its process does not name it", fp.volume, mp),
				Edits:   []Edit{{Path: inContainer(c.name, key("volumeMounts"), index(i)), Op: OpDelete, Prune: true}}})
		}
	}
	return out
}

// mountMayBeRead says why a container may read a volume its command does not name, or "".
func mountMayBeRead(c container, mounts int) string {
	switch {
	case mounts > 1:
		return "it mounts other volumes"
	case lookup(c.node, "envFrom") != nil:
		return "it reads envFrom"
	case readsConfig(c):
		return "it reads a config file"
	}
	return ""
}

// readsConfig reports whether a command passes a config file (-c, --config...), which may
// name paths the manifest does not show.
func readsConfig(c container) bool {
	for _, w := range c.words[1:] {
		if f := strings.TrimLeft(w, "-"); w == "-c" || strings.HasPrefix(w, "-") && strings.HasPrefix(f, "config") {
			return true
		}
	}
	return false
}
