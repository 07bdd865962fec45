package migrate

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// hackMarker matches what every statement a workaround removal may drop mentions: a
// shutdown endpoint, kubexit, linkerd-await, a kill, a background job's pid or wait, the
// exit status bookkeeping, a flag written or tested, a polling loop, a trap.
var hackMarker = regexp.MustCompile(`quitquitquit|/shutdown|kubexit|linkerd-await|kill|pidof|pgrep|\$!|\bwait\b|\$\?|exit "?\$|touch |>|-f /|until |while |trap |/dev/tcp|healthz|ready`)

// TestEditedScriptsKeepStatements checks every golden case whose scripts changed: each
// edited script parses, and its statements are the original ones in order, but for
// statements that a workaround removal may drop (they mention a workaround's marks) and
// the changes it may make to a kept one: the background process run with exec, the left
// side of `cmd && curl .../quitquitquit`, a command without its kubexit, linkerd-await,
// scuttle or envoy-preflight wrapper. A script that became an exec-form command must be one of its
// statements (without exec or command in front).
func TestEditedScriptsKeepStatements(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	require.NoError(t, err)
	checked := 0
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		require.NoError(t, err)
		sections := map[string]string{}
		for _, f := range ar.Files {
			sections[f.Name] = string(f.Data)
		}
		if sections["output.yaml"] == "" {
			continue
		}
		in, out := containersOf(sections["input.yaml"]), containersOf(sections["output.yaml"])
		for name, c := range in {
			before := containerScript(c)
			after, ok := out[name]
			if before == nil || before.file == nil || !ok {
				continue
			}
			s := containerScript(after)
			if s != nil && s.node.Value == before.node.Value {
				continue
			}
			checked++
			if s == nil {
				assert.True(t, execFormOf(before, after), "%s: %s: the exec-form command is not a process the script ran", file, name)
				continue
			}
			require.NotNil(t, s.file, "%s: %s: the edited script does not parse: %s", file, name, s.err)
			var got []string
			for _, st := range s.file.Stmts {
				got = append(got, printed(st))
			}
			for _, st := range before.file.Stmts {
				if len(got) > 0 && (keptAs(st)[got[0]] || trapKeptAs(st, got[0])) {
					got = got[1:]
					continue
				}
				text := before.node.Value[st.Pos().Offset():st.End().Offset()]
				assert.Regexp(t, hackMarker, text, "%s: %s: statement %q was dropped", file, name, shell.Print(st))
			}
			assert.Empty(t, got, "%s: %s: statements not from the original script, or out of order", file, name)
		}
	}
	assert.Positive(t, checked, "no golden case edits a script")
}

// execFormOf reports whether the exec-form command of after runs, word for word, a process
// that the script before started in the background.
func execFormOf(before *shellScript, after *yaml.Node) bool {
	var words []string
	for _, w := range commandWords(after) {
		words = append(words, w.Value)
	}
	for _, st := range before.file.Stmts {
		call := shell.LeadingCall(st)
		if call == nil || !st.Background {
			continue
		}
		args := call.Args // exec and command in front of the process are dropped
		for len(args) > 1 && (shell.WordText(args[0]) == "exec" || shell.WordText(args[0]) == "command") {
			args = args[1:]
		}
		if len(args) != len(words) {
			continue
		}
		same := true
		for i, a := range args {
			same = same && shell.WordText(a) == words[i]
		}
		if same {
			return true
		}
	}
	return false
}

// printed prints a statement without its blank lines, which the printer keeps from the
// statement's original positions.
func printed(s *syntax.Stmt) string {
	var lines []string
	for _, l := range strings.Split(shell.Print(s), "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// keptAs returns the forms a kept statement may take, printed.
func keptAs(s *syntax.Stmt) map[string]bool {
	forms := map[string]bool{printed(s): true}
	bg := *s
	bg.Background = false
	forms["exec "+printed(&bg)] = true
	if bin, ok := s.Cmd.(*syntax.BinaryCmd); ok {
		forms[printed(bin.X)] = true
	}
	if fd, ok := s.Cmd.(*syntax.FuncDecl); ok {
		// A function that loses the statements of a workaround (an exit flag's touch).
		if block, ok := fd.Body.Cmd.(*syntax.Block); ok {
			body := block.Stmts
			block.Stmts = nil
			for _, b := range body {
				if !hackMarker.MatchString(shell.Print(b)) {
					block.Stmts = append(block.Stmts, b)
				}
			}
			forms[printed(s)] = true
			block.Stmts = body
		}
	}
	call := shell.LeadingCall(s)
	if call == nil {
		return forms
	}
	args := call.Args
	for i, a := range args {
		w := shell.WordText(a)
		switch {
		case i == 0 && strings.HasSuffix(w, "kubexit") && len(args) > 1:
			call.Args = args[1:]
			forms[printed(s)] = true
		case isWrapper(w) && i+1 < len(args) && (i == 0 || i == 1 && shell.WordText(args[0]) == "exec"):
			call.Args = append(append([]*syntax.Word{}, args[:i]...), args[i+1:]...)
			forms[printed(s)] = true
		case w == "--shutdown" || w == "-S":
			call.Args = append(append([]*syntax.Word{}, args[:i]...), args[i+1:]...)
			forms[printed(s)] = true
		case w == "--" && strings.HasSuffix(shell.WordText(args[0]), "linkerd-await"):
			call.Args = args[i+1:]
			forms[printed(s)] = true
		}
		call.Args = args
	}
	return forms
}

// trapKeptAs reports whether edited, a printed statement, is the trap s whose string
// handler lost statements at its end, each a workaround's (a flag written): the same
// trap words but the handler, whose statements are the first ones of s's.
func trapKeptAs(s *syntax.Stmt, edited string) bool {
	f, err := shell.Parse(edited)
	if err != nil || len(f.Stmts) != 1 {
		return false
	}
	was, now := trapStmts(s), trapStmts(f.Stmts[0])
	if len(now) == 0 || len(now) >= len(was) {
		return false
	}
	a, b := s.Cmd.(*syntax.CallExpr).Args, f.Stmts[0].Cmd.(*syntax.CallExpr).Args
	if len(a) != len(b) || shell.Print(a[0]) != shell.Print(b[0]) || shell.Print(a[2]) != shell.Print(b[2]) {
		return false
	}
	for i, st := range was {
		if i < len(now) && printed(now[i]) != printed(st) || i >= len(now) && !hackMarker.MatchString(shell.Print(st)) {
			return false
		}
	}
	return true
}

// trapStmts returns the statements of the string handler of `trap STRING SIGNAL`, or nil.
func trapStmts(s *syntax.Stmt) []*syntax.Stmt {
	call, name := shell.CallName(s)
	if name != "trap" || len(call.Args) != 3 {
		return nil
	}
	handler, _, ok := trapString(call.Args[1])
	if !ok {
		return nil
	}
	f, err := shell.Parse(handler)
	if err != nil {
		return nil
	}
	return f.Stmts
}

// containersOf returns the container entries of a manifest, by name.
func containersOf(manifest string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	for _, doc := range strings.Split(manifest, "\n---\n") {
		node, err := yaml.Parse(doc)
		if err != nil || node == nil {
			continue
		}
		var walk func(n *yaml.Node)
		walk = func(n *yaml.Node) {
			if n.Kind == yaml.MappingNode && scalar(n, "name") != "" && lookup(n, "image") != nil {
				out[scalar(n, "name")] = n
			}
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(node.YNode())
	}
	return out
}

// TestWorkaroundCasesKeepFormatting checks that no workaround case needed the serializing
// fallback: every edit of a script, an env list, a volume or an annotation is spliced into
// the original lines.
func TestWorkaroundCasesKeepFormatting(t *testing.T) {
	files, err := filepath.Glob("testdata/hack-*.txtar")
	require.NoError(t, err)
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		require.NoError(t, err)
		for _, f := range ar.Files {
			if f.Name == "findings" {
				assert.NotContains(t, string(f.Data), "formatting-fallback", file)
			}
		}
	}
}
