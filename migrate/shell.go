package migrate

import (
	"fmt"
	"path"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// shellScript is a script a container runs with `sh -c` (or bash, ash, dash, /usr/bin/env
// bash, with flags such as -ec, -xc, -euo pipefail -c), held by one scalar of command or args.
type shellScript struct {
	node *yaml.Node // the scalar that holds the script
	file *syntax.File
	err  string // why the script does not parse, when file is nil
	// words are the items of command and args from the shell (or env) to the script, and
	// positional tells whether items follow the script (its $0, $1...).
	words      []*yaml.Node
	positional bool
	seqs       map[*yaml.Node]*yaml.Node // each word -> the command or args list it is in
	container  *yaml.Node
}

// containerScript returns the shell script of a container, or nil when its command does not
// run a shell. A script that does not parse is returned with file nil.
func containerScript(c *yaml.Node) *shellScript {
	var words []*yaml.Node
	seqs := map[*yaml.Node]*yaml.Node{}
	for _, key := range []string{"command", "args"} {
		if seq := lookup(c, key); seq != nil && seq.Kind == yaml.SequenceNode {
			words = append(words, seq.Content...)
			for _, w := range seq.Content {
				seqs[w] = seq
			}
		}
	}
	i := shellAt(words)
	if i < 0 {
		return nil
	}
	for i++; i < len(words); i++ {
		w := words[i].Value
		if !strings.HasPrefix(w, "-") {
			if prev := words[i-1].Value; strings.HasPrefix(prev, "-") && !strings.HasPrefix(prev, "--") && strings.HasSuffix(prev, "o") {
				continue // the option name of -o (or -euo): pipefail
			}
			return nil // a script file, not -c
		}
		if !strings.HasPrefix(w, "--") && strings.Contains(w, "c") && i+1 < len(words) {
			at := scriptOperand(words, i+1)
			if at >= len(words) {
				return nil
			}
			s := &shellScript{node: words[at], words: words[:at+1], positional: at+1 < len(words), seqs: seqs, container: c}
			if f, err := shell.Parse(s.node.Value); err == nil {
				s.file = f
			} else {
				s.err = err.Error()
			}
			return s
		}
	}
	return nil
}

// scriptOperand returns the index of the script among words, from the word after -c: POSIX
// sh (dash, bash too) takes options after -c as well (sh -c -x SCRIPT, sh -c -o errexit
// SCRIPT), and the script is the first word that is not one, or follows --.
func scriptOperand(words []*yaml.Node, from int) int {
	for i := from; i < len(words); i++ {
		w := words[i].Value
		switch {
		case w == "--" || w == "-":
			return i + 1
		case len(w) < 2 || (w[0] != '-' && w[0] != '+') || strings.HasPrefix(w, "--"):
			return i
		case strings.HasSuffix(w, "o"):
			i++ // -o NAME, +o NAME
		}
	}
	return len(words)
}

// shellAt returns the index of the shell among the words of a command: sh, bash, ash, dash
// (any path), after the wrappers that run it as their program (env, tini, busybox, gosu:
// gate_wrappers.go), so that a script behind them is read like any other; -1 when the
// command does not run a shell, or runs it through a wrapper that is not read through.
func shellAt(words []*yaml.Node) int {
	program, _, why := readThrough(wordValues(words))
	if why != "" || len(program) == 0 {
		return -1
	}
	switch path.Base(program[0]) {
	case "sh", "bash", "ash", "dash":
		return len(words) - len(program)
	}
	return -1
}

// applyCuts makes the cuts in a script with shell.ApplyCuts, together with the comment
// lines that only explained a statement the cuts remove (explainingComments).
func applyCuts(text string, f *syntax.File, cuts []shell.Cut, replaced map[*syntax.Stmt]string) (string, error) {
	return shell.ApplyCuts(text, f, append(cuts, explainingComments(text, f, cuts)...), replaced)
}

// statusChange says how the cuts change the exit status of a script that ends with a
// workaround, or returns "": a shell's status is its last statement's, so once that is cut,
// the statement before it decides. Nothing changes where errexit is in effect for that
// statement (errexit.go), since its failure ended the script before the workaround ran, nor
// where the workaround carried the status on: `X=$?`
// cut with it, or `$?` written for a sidecar to mirror.
func statusChange(s *shellScript, cuts []shell.Cut) string {
	stmts := s.file.Stmts
	if len(stmts) == 0 || mirrorsStatus(stmts, cuts) {
		return ""
	}
	last := stmts[len(stmts)-1]
	if _, name := shell.CallName(last); !shell.Covered(last, cuts) || name == "trap" || strings.Contains(shell.Print(last), "$?") {
		return ""
	}
	for _, st := range stmts {
		if statusVar(st) != "" && shell.Covered(st, cuts) {
			return ""
		}
	}
	for i := len(stmts) - 2; i >= 0; i-- {
		if !shell.Covered(stmts[i], cuts) {
			if errexitEnds(s, i) {
				return "" // a failure of it ended the script before the workaround ran
			}
			now := firstLine(shell.Print(stmts[i]))
			if stmts[i].Background {
				// `cmd &` returns 0 at once, whatever cmd does later.
				return fmt.Sprintf("the script now ends with %q, run in the background: it returns 0 at once, so the script exits 0 whatever that process does (the removed %q returned 0 unless it failed itself)", now, firstLine(shell.Print(last)))
			}
			return fmt.Sprintf("the script now exits with the status of %q, not of the removed %q: a failure of %q that was hidden now fails the Job; end the script with || true if that is not wanted",
				now, firstLine(shell.Print(last)), now)
		}
	}
	return ""
}
