package migrate

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The lifetime gate. A native sidecar that exits is restarted by the kubelet, so a container
// may become one only when the tool can show that it runs one long-lived program: no script
// logic that ends it, and nothing else in the pod that stops it. Recognisers propose; this
// gate decides, on the container as it will be written (after the accepted edits).
var ruleSelfTerminating = Rule{ID: "not-moved-self-terminating", Matches: "a sidecar whose final command may end by itself, or that another container still stops, in a run-to-completion or unknown-lifecycle pod", Summary: "A native sidecar that exits is restarted; it stays in containers until its command plainly runs one long-lived program."}

// unproven is why a container is not proven to run one long-lived program: the statement
// that may end it (or stop it) and where.
type unproven struct {
	what string // the statement, as a finding quotes it
	line int    // its line in the file, 0 when unknown
	why  string // what it does, and what the reviewer should change
}

func (u unproven) String() string {
	at := ""
	if u.line > 0 {
		at = fmt.Sprintf(" (line %d)", u.line)
	}
	return fmt.Sprintf("%q%s %s", u.what, at, u.why)
}

// endingWrappers run a program and end it (or themselves) on a condition other than the
// program's own exit.
var endingWrappers = map[string]string{
	"timeout":         "ends the program after a time limit",
	"kubexit":         "ends the program when another container exits",
	"scuttle":         "stops the proxy and exits when its program ends",
	"envoy-preflight": "stops the proxy and exits when its program ends",
	"inotifywait":     "waits for a file event and exits",
}

// endingCommands end a script, or end the container they run in, or stop other processes.
var endingCommands = map[string]string{
	"exit": "exits", "wait": "waits for a background job", "kill": "signals a process",
	"pkill": "signals a process", "killall": "signals a process", "trap": "sets a trap",
	"timeout": endingWrappers["timeout"], "inotifywait": endingWrappers["inotifywait"],
	"kubexit": endingWrappers["kubexit"], "scuttle": endingWrappers["scuttle"],
	"envoy-preflight": endingWrappers["envoy-preflight"], "return": "returns",
	"test": "tests a condition", "[": "tests a condition", "[[": "tests a condition",
	"pgrep": "looks for another process", "pidof": "looks for another process",
}

// tailEnds says why tail without -f, -F or --follow is no sidecar: it prints the end of the
// file and exits.
const tailEnds = "prints the end of the file and exits (no -f, -F or --follow); follow it with tail -F"

// setupCommands prepare a container's program and return: allowed before the final one.
var setupCommands = map[string]bool{
	"": true, "export": true, "set": true, "mkdir": true, "cp": true, "mv": true, "ln": true,
	"chmod": true, "chown": true, "cd": true, "echo": true, "printf": true, "sleep": true,
	"true": true, ":": true, "rm": true, "touch": true, "envsubst": true, "sed": true,
	"cat": true, "ls": true, "umask": true, "ulimit": true, "unset": true, "readonly": true,
	"local": true, "declare": true, "id": true, "whoami": true, "date": true,
}

// longLived checks the command of one container: nil when it plainly runs one long-lived
// program, or what may end it.
func longLived(c *yaml.Node) *unproven {
	if s := containerScript(c); s != nil {
		return scriptLongLived(s)
	}
	words := commandWords(c)
	if len(words) == 0 {
		return nil // the image's entrypoint, as before the move
	}
	if u := unseenProgram(c, words); u != nil {
		return u
	}
	words = expandedNodes(c, words) // as the kubelet runs it
	u := &unproven{what: firstLine(strings.Join(wordValues(words), " ")), line: words[0].Line}
	program, wrapper, why := readThrough(wordValues(words))
	if why != "" {
		u.why = why
		return u
	}
	if u.why = programProblem(program); u.why == "" {
		u.why = programEnds(program, wrapper, false)
	}
	if u.why != "" {
		return u
	}
	return nil
}

// programEnds returns why a program, the wrappers in front of it read through, may end or
// cannot be read, or "": in exec form, or as a script's last command (inScript).
func programEnds(program []string, wrapper string, inScript bool) string {
	behind := ""
	if wrapper != "" {
		behind = " (behind " + wrapper + ")"
	}
	prog, args := path.Base(program[0]), program[1:]
	switch {
	case prog == "linkerd-await" && (contains(args, "--shutdown") || contains(args, "-S")):
		return "shuts the proxy down and exits when its command ends; drop --shutdown"
	case endingWrappers[prog] != "":
		return endingWrappers[prog] + behind + "; run the program without it"
	case prog == "sleep" && !(len(args) == 1 && args[0] == "infinity"):
		return "ends after a time" + behind + "; run the sidecar's program"
	case prog == "tail" && !followFlag(args):
		return tailEnds
	case setupCommands[prog] && prog != "sleep":
		return "returns at once" + behind + ", so the container exits; run the sidecar's program"
	case isShell(prog) && inScript:
		return "runs another script this tool cannot read" + behind + "; run the program directly"
	case isShell(prog):
		return "runs a shell script this tool cannot read (a file, or no -c)" + behind + "; run the program directly"
	}
	return ""
}

func isShell(name string) bool {
	switch name {
	case "sh", "bash", "ash", "dash", "zsh", "ksh", "mksh":
		return true
	}
	return false
}

func wordValues(words []*yaml.Node) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = w.Value
	}
	return out
}

func hasWordValue(words []*yaml.Node, values ...string) bool {
	for _, w := range words {
		for _, v := range values {
			if w.Value == v {
				return true
			}
		}
	}
	return false
}

// scriptLongLived checks a shell script: setup statements, then one foreground program.
func scriptLongLived(s *shellScript) *unproven {
	if s.file == nil {
		return &unproven{what: firstLine(s.node.Value), line: s.node.Line, why: "is a script that does not parse (" + s.err + "); fix it so the tool can read it"}
	}
	return stmtsLongLived(s.node.Value, s.file.Stmts, func(n syntax.Node) int { return scriptLine(s, n) }, 0)
}

// stmtsLongLived checks the statements of a script (text, lines by line) and, through
// `sh -c "..."` as the final program, of the scripts it runs (depth).
func stmtsLongLived(text string, stmts []*syntax.Stmt, line func(syntax.Node) int, depth int) *unproven {
	quote := func(n syntax.Node) string {
		return firstLine(text[n.Pos().Offset():n.End().Offset()])
	}
	if len(stmts) == 0 {
		return &unproven{what: "sh -c ''", why: "runs nothing; run the sidecar's program"}
	}
	for _, st := range stmts {
		if waitsToStart(st) {
			continue // a loop that only sleeps until something is ready, before the program
		}
		if bad := endsOrBranches(st, quote, line); bad != nil {
			return bad
		}
	}
	for _, st := range stmts[:len(stmts)-1] {
		if !setupStmt(st) && !waitsToStart(st) {
			return &unproven{quote(st), line(st), "runs before the last statement, and the script goes on only when it ends; make it the last statement or remove it"}
		}
	}
	last := stmts[len(stmts)-1]
	if inner := innerScript(last); inner != "" && depth < 3 {
		f, err := shell.Parse(inner)
		if err != nil {
			return &unproven{quote(last), line(last), "runs a script that does not parse; fix it"}
		}
		return stmtsLongLived(inner, f.Stmts, func(syntax.Node) int { return line(last) }, depth+1)
	}
	if u := finalProgram(last); u != "" {
		return &unproven{quote(last), line(last), u}
	}
	return nil
}

// endsOrBranches returns what in a statement ends the script, stops something, or branches on
// a condition, or nil: with any of these the script cannot be shown to run its program for
// the pod's whole life.
func endsOrBranches(st *syntax.Stmt, quote func(syntax.Node) string, line func(syntax.Node) int) *unproven {
	var bad *unproven
	syntax.Walk(st, func(n syntax.Node) bool {
		if bad != nil {
			return false
		}
		switch n := n.(type) {
		case *syntax.Stmt:
			if n.Background {
				bad = &unproven{quote(n), line(n), "runs a process in the background; run the program in the foreground (exec)"}
			} else if n.Coprocess {
				bad = &unproven{quote(n), line(n), "runs a coprocess; run the program in the foreground (exec)"}
			}
		case *syntax.WhileClause, *syntax.ForClause:
			bad = &unproven{quote(n), line(n), "loops, and the script ends when the loop does; a native sidecar that exits is restarted, so remove the loop"}
		case *syntax.FuncDecl:
			bad = &unproven{quote(n), line(n), "declares a function this gate does not follow; inline the program"}
		case *syntax.IfClause, *syntax.CaseClause, *syntax.TestClause:
			bad = &unproven{quote(n), line(n), "branches on a condition (a flag test?); a native sidecar must not decide when to end"}
		case *syntax.CallExpr:
			if len(n.Args) > 0 {
				name := path.Base(n.Args[0].Lit())
				if name == "exec" && len(n.Args) > 1 {
					name = path.Base(n.Args[1].Lit())
				}
				if why := endingCommands[name]; why != "" {
					bad = &unproven{quote(n), line(n), why + "; a native sidecar that exits is restarted, so remove it"}
				}
			}
		}
		return true
	})
	return bad
}

// waitsToStart reports whether a statement is a loop that only waits before the program
// starts: `until [ -f /ready ]; do sleep 1; done`, `until nc -z localhost 5432; do sleep 1;
// done`; its condition stops nothing and its body only sleeps or prints.
func waitsToStart(st *syntax.Stmt) bool {
	loop, ok := st.Cmd.(*syntax.WhileClause)
	if !ok || st.Background || len(loop.Cond) != 1 {
		return false
	}
	for _, b := range loop.Do {
		if _, name := shell.CallName(b); b.Background || (name != "sleep" && name != "echo" && name != "printf" && !isTrue(b)) {
			return false
		}
	}
	ok = true
	syntax.Walk(loop.Cond[0], func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CallExpr:
			if len(n.Args) > 0 {
				switch name := path.Base(n.Args[0].Lit()); name {
				case "test", "[", "curl", "wget", "nc", "true", ":":
				default:
					ok = ok && endingCommands[name] == "" && name != ""
				}
			}
		case *syntax.Stmt:
			ok = ok && !n.Background
		case *syntax.CmdSubst, *syntax.ProcSubst:
			ok = false
		}
		return ok
	})
	return ok
}

// innerScript returns the literal script of a final `sh -c "..."` (or `exec sh -c ...`,
// `... || true`), or "".
func innerScript(st *syntax.Stmt) string {
	if bin, ok := st.Cmd.(*syntax.BinaryCmd); ok && bin.Op == syntax.OrStmt && isTrue(bin.Y) {
		st = bin.X
	}
	call, name := shell.CallName(st)
	if call == nil || len(st.Redirs) > 0 {
		return ""
	}
	args := call.Args
	if name == "exec" && len(args) > 1 {
		args = args[1:]
		name = path.Base(shell.WordText(args[0]))
	}
	if !isShell(name) {
		return ""
	}
	for i, a := range args[1:] {
		w := shell.WordText(a)
		if !strings.HasPrefix(w, "-") || strings.HasPrefix(w, "--") {
			return ""
		}
		if strings.Contains(w, "c") && i+2 < len(args) {
			return shell.WordText(args[i+2])
		}
	}
	return ""
}

// setupStmt reports whether a statement only prepares: an assignment or a setup command,
// alone or joined by && or ||.
func setupStmt(st *syntax.Stmt) bool {
	if st.Negated {
		return false
	}
	switch cmd := st.Cmd.(type) {
	case *syntax.DeclClause: // export, local, declare, readonly
		return true
	case *syntax.CallExpr:
		_, name := shell.CallName(st)
		return setupCommands[name]
	case *syntax.BinaryCmd:
		return (cmd.Op == syntax.AndStmt || cmd.Op == syntax.OrStmt) && setupStmt(cmd.X) && setupStmt(cmd.Y)
	}
	return false
}

// finalProgram returns "" when the last statement runs one long-lived program in the
// foreground (`exec P`, `P`, `P || true`, `setup && exec P`), or why it does not.
func finalProgram(st *syntax.Stmt) string {
	if st.Negated {
		return "negates the program's status; run the program plainly"
	}
	switch cmd := st.Cmd.(type) {
	case *syntax.BinaryCmd:
		switch {
		case cmd.Op == syntax.AndStmt && setupStmt(cmd.X):
			return finalProgram(cmd.Y)
		case cmd.Op == syntax.OrStmt && isTrue(cmd.Y):
			return finalProgram(cmd.X)
		}
		return "joins commands, and the script ends when the first ends; run one program (exec)"
	case *syntax.CallExpr:
		call, name := shell.CallName(st)
		args := call.Args
		words := make([]string, len(args))
		for i, a := range args {
			words[i] = shell.WordText(a)
		}
		if name == "exec" {
			if len(args) < 2 {
				return "only redirects the shell; run the program with exec"
			}
			args, words, name = args[1:], words[1:], path.Base(args[1].Lit())
		}
		switch {
		case inlineProblem(words) != "":
			return inlineProblem(words)
		case name == "":
			return "is not a literal program; run the sidecar's program by name"
		case name == "source" || name == ".":
			return "runs another script this tool cannot read; run the program directly"
		}
		program, wrapper, why := readThrough(words)
		switch {
		case why != "":
			return why
		case len(args) < len(call.Args) || wrapper != "":
			// A program named by exec or a wrapper cannot be a builtin or an assignment.
			if why := programProblem(program); why != "" {
				return why
			}
		}
		return programEnds(program, wrapper, true)
	}
	return "is not a simple command; run one program (exec)"
}

// scriptLine returns the line in the file of a node of a script: exact for a block scalar,
// the scalar's line otherwise.
func scriptLine(s *shellScript, n syntax.Node) int {
	if s.node.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return s.node.Line + int(n.Pos().Line())
	}
	return s.node.Line
}

// stopAnyURL matches a request to a loopback port whose path asks a server to stop, as any
// command may make it: the gate is conservative where removals are exact.
var stopAnyURL = regexp.MustCompile(`(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|/dev/tcp/[^/\s]+)[:/](\d+)\S*(?:quitquitquit|shutdown|kill|exit|abort|quit)`)

// stoppedByOthers returns the statement of another container of the pod that still stops or
// signals c (recognised as a workaround or not), or nil: a call to a port c serves whose path
// stops it, a kill of its process through a shared process namespace, linkerd-await
// --shutdown of its proxy, a terminator that names it.
func stoppedByOthers(spec *yaml.Node, meta []*yaml.Node, c container) *unproven {
	shared := boolField(spec, "shareProcessNamespace")
	for _, key := range terminatorAnnotations {
		for _, md := range meta {
			a := lookup(lookup(md, "annotations"), key)
			if a == nil {
				continue
			}
			for _, n := range strings.Split(a.Value, ",") {
				if strings.TrimSpace(n) == c.name {
					return &unproven{key + ": " + a.Value, a.Line, "tells a terminator to stop it; take it out of the annotation"}
				}
			}
		}
	}
	if hasKruiseEnv(c) {
		return &unproven{"KRUISE_TERMINATE_SIDECAR_WHEN_JOB_EXIT", c.node.Line, "tells OpenKruise to stop it; remove the env var"}
	}
	var pod []container
	for _, n := range containerNodes(spec) {
		pod = append(pod, readContainer(n))
	}
	for _, list := range []string{"initContainers", "containers"} {
		for _, n := range seqItems(lookup(spec, list)) {
			if n == c.node {
				continue
			}
			other := readContainer(n)
			if u := stopsContainer(other, c, pod, shared); u != nil {
				u.why = "in container " + other.name + " " + u.why
				return u
			}
			if u := readsFlag(other, c); u != nil {
				return u
			}
			if shared {
				if u := hiddenScript(spec, other); u != nil {
					return u
				}
			}
		}
	}
	return nil
}

// stopEndpointCall returns the first call in a script, even unparsed, to a stop endpoint on a
// port that c serves, with that port; "" when there is none.
func stopEndpointCall(s *shellScript, c container) (call, port string) {
	text := s.node.Value
	for _, m := range stopAnyURL.FindAllStringSubmatchIndex(text, -1) {
		if port := text[m[2]:m[3]]; listensOn(c, port) {
			return firstLine(text[m[0]:m[1]]), port
		}
	}
	return "", ""
}

// stopsContainer returns the statement of other that stops c, or nil.
func stopsContainer(other, c container, pod []container, shared bool) *unproven {
	if words := commandWords(other.node); len(words) > 0 && path.Base(words[0].Value) == "linkerd-await" && hasWordValue(words, "--shutdown", "-S") && listensOn(c, "4191") {
		return &unproven{"linkerd-await --shutdown", words[0].Line, "shuts this proxy down; drop --shutdown"}
	}
	s := containerScript(other.node)
	if s == nil {
		// A command this tool does not read as a script (behind sudo, a file it runs) may
		// still name the stop endpoint in its words.
		words := commandWords(other.node)
		if call, port := stopEndpointCall(&shellScript{node: &yaml.Node{Value: strings.Join(wordValues(words), " ")}}, c); call != "" {
			return &unproven{call, words[0].Line, "calls its stop endpoint on port " + port + " in a command this tool does not read; remove the call"}
		}
		return nil
	}
	text := s.node.Value
	if call, port := stopEndpointCall(s, c); call != "" {
		return &unproven{call, s.node.Line, "calls its stop endpoint on port " + port + "; remove the call"}
	}
	if s.file == nil {
		if shared && strings.Contains(text, "kill") {
			return &unproven{firstLine(text), s.node.Line, "may signal its process (the script does not parse); fix the script"}
		}
		return nil
	}
	var found *unproven
	syntax.Walk(s.file, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || found != nil || len(call.Args) == 0 {
			return found == nil
		}
		src := firstLine(text[call.Pos().Offset():call.End().Offset()])
		switch name := path.Base(call.Args[0].Lit()); {
		case shared && mayReach(call, c, pod):
			found = &unproven{src, scriptLine(s, call), "signals its process through the shared process namespace; remove the statement, or the shared process namespace if nothing needs it"}
		case name == "linkerd-await" && shell.HasArg(call.Args, "--shutdown", "-S") && listensOn(c, "4191"):
			found = &unproven{src, scriptLine(s, call), "shuts this proxy down; drop --shutdown"}
		}
		return found == nil
	})
	return found
}

// pidLookup returns NAME for $(pidof NAME) or $(pgrep [-f] NAME), or "".
func pidLookup(w *syntax.Word) string {
	parts := w.Parts
	if len(parts) == 1 {
		if dq, ok := parts[0].(*syntax.DblQuoted); ok {
			parts = dq.Parts
		}
	}
	if len(parts) != 1 {
		return ""
	}
	cs, ok := parts[0].(*syntax.CmdSubst)
	if !ok || len(cs.Stmts) != 1 {
		return ""
	}
	inner, tool := shell.CallName(cs.Stmts[0])
	if inner == nil || (tool != "pidof" && tool != "pgrep") {
		return ""
	}
	for _, a := range inner.Args[1:] {
		if v := shell.WordText(a); v != "" && !strings.HasPrefix(v, "-") {
			return v
		}
	}
	return ""
}

// proveLifetime checks one container of a pod on its final tree: its own command, then the
// other containers' statements and the terminator marks that may stop it.
func proveLifetime(spec *yaml.Node, meta []*yaml.Node, c *yaml.Node) *unproven {
	if u := longLived(c); u != nil {
		return u
	}
	if _, with := programArgumentEnds(c); with != "" {
		words := commandWords(c)
		return &unproven{what: firstLine(strings.Join(wordValues(words), " ")), line: words[0].Line, why: "runs once with " + with + "; keep it in containers, or run the program with the arguments that keep it running"}
	}
	return stoppedByOthers(spec, meta, readContainer(c))
}
