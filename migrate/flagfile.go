package migrate

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/internal/textedit"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The exit-flag workaround: the app writes a file on a shared emptyDir when it finishes, and
// the sidecar runs its process in the background, watches for the file and kills the process.
var (
	ruleFlagFile    = Rule{ID: "hack-exit-flag", Matches: "an exit-flag file on a shared emptyDir: the app writes it, the sidecar watches it", Summary: "The sidecar stopped itself when the app finished; a native sidecar is stopped by the kubelet."}
	ruleFlagWatcher = Rule{ID: "behaviour-flag-watcher", Confidence: High, Matches: "a container that watches another container's exit-flag file, in a run-to-completion pod", Summary: "It waits for the app to finish and then stops: it is a sidecar."}
)

// flagPlan is the removal of an exit-flag workaround from one pod, decided before anything
// moves: a watcher is moved only if its script reduces to running its process.
type flagPlan struct {
	flag     string                // the flag file path
	dir      string                // the mount path it lives in
	volume   string                // the emptyDir volume mounted at dir
	watchers map[*yaml.Node]bool   // container nodes that watch the flag
	scripts  map[*yaml.Node]string // script scalar -> its new text
	// exec holds the watchers whose script comes down to exec'ing one program with
	// literal arguments: they run it in exec form, without the shell.
	exec    map[*shellScript][]string
	problem string // why the workaround cannot be removed, or ""
	// hiddenWriter is set when no container of the manifest writes the flag.
	hiddenWriter bool
	// gate is set when a container waits for the file before it starts: not an exit flag.
	gate bool
	// statusChanges: the writers' scripts whose exit status the removal changes, and how.
	statusChanges []scriptNote
	// status holds the files beside the flag that carry the app's exit status (exitcode.go).
	status map[string]bool
}

// scriptNote is a sentence about the edit of one script.
type scriptNote struct {
	script *shellScript
	text   string
}

// planFlagFile looks for an exit-flag workaround among the containers of a pod.
func planFlagFile(containers []container, spec *yaml.Node) *flagPlan {
	empty := map[string]bool{}
	for _, v := range seqItems(lookup(spec, "volumes")) {
		if lookup(v, "emptyDir") != nil {
			empty[scalar(v, "name")] = true
		}
	}
	// Shared emptyDir mounts: mount path -> volume, when two containers or more mount it.
	mounts, users := map[string]string{}, map[string]int{}
	for _, c := range containers {
		for _, vm := range seqItems(lookup(c.node, "volumeMounts")) {
			if name := scalar(vm, "name"); empty[name] {
				mp := strings.TrimSuffix(scalar(vm, "mountPath"), "/")
				mounts[mp] = name
				users[mp]++
			}
		}
	}
	for _, c := range containers {
		s := containerScript(c.node)
		if s == nil || s.file == nil {
			continue
		}
		funcs := shell.FuncDecls(s.file)
		for _, st := range s.file.Stmts {
			flag := writtenAfter(s.node.Value, st, funcs)
			dir := path.Dir(flag)
			if flag == "" || users[dir] < 2 || !testedByAnother(containers, c, flag) {
				continue // a file the app writes for another reason, such as a log
			}
			p := newFlagPlan(flag, mounts[dir])
			if p.plan(containers); !p.gate {
				return p
			}
		}
	}
	// No writer in the manifest: the flag may be written by an image's entrypoint. A
	// container that runs a process in the background and tests a file on a shared
	// emptyDir is still a watcher.
	for _, c := range containers {
		s := containerScript(c.node)
		if s == nil || s.file == nil {
			continue
		}
		if flag := watchedFlag(s); flag != "" && users[path.Dir(flag)] >= 2 {
			p := newFlagPlan(flag, mounts[path.Dir(flag)])
			p.hiddenWriter = true
			if p.plan(containers); !p.gate {
				if why := unreadWriter(spec, containers, c); why != "" && p.problem == "" {
					p.problem = why
				}
				return p
			}
		}
	}
	return nil
}

// unreadWriter says which container other than the watcher runs a script that the manifest
// does not show (a ConfigMap's key, a script of its image), or "": that script may be the
// flag's writer, and one that writes it before its end stops the sidecar early on purpose,
// which the removal cannot tell (an inline writer is checked by writtenAfter).
func unreadWriter(spec *yaml.Node, containers []container, watcher container) string {
	for _, c := range containers {
		if c.node == watcher.node {
			continue
		}
		for _, run := range scriptPaths(c) {
			if cm, key, ok := configMapFile(spec, c.node, run); ok {
				return "container " + c.name + " runs key " + key + " of ConfigMap " + cm + ", which may write the flag before its end, where the sidecar was stopped early on purpose; this step does not read it"
			}
		}
		if file := imageScript(c.node); file != "" {
			return "container " + c.name + " runs " + file + ", a script of its image that may write the flag before its end, where the sidecar was stopped early on purpose; this tool cannot read it"
		}
	}
	return ""
}

// testedByAnother reports whether a container other than writer tests for the file in its
// script (`[ -f FLAG ]`, `test -e FLAG`): what makes a written file a flag.
func testedByAnother(containers []container, writer container, flag string) bool {
	for _, c := range containers {
		if c.node == writer.node {
			continue
		}
		if s := containerScript(c.node); s != nil && testsFile(s.node.Value, flag) {
			return true
		}
	}
	return false
}

// testsFile reports whether a script tests for file (`[ -f FILE ]`, `test -e FILE`).
func testsFile(script, file string) bool {
	return regexp.MustCompile(`-[fe]\s+["']?` + regexp.QuoteMeta(file) + `\b`).MatchString(script)
}

// runsInBackground reports whether a script starts something in the background.
func runsInBackground(f *syntax.File) bool {
	for _, st := range f.Stmts {
		if st.Background {
			return true
		}
	}
	return false
}

// writtenAtExit reports whether a container writes flag when it exits: in an EXIT trap, or
// as the last statement of its script.
func writtenAtExit(containers []container, flag string) bool {
	for _, c := range containers {
		s := containerScript(c.node)
		if s == nil || s.file == nil || len(s.file.Stmts) == 0 {
			continue
		}
		funcs := shell.FuncDecls(s.file)
		for i, st := range s.file.Stmts {
			_, name := shell.CallName(st)
			if writtenAfter(s.node.Value, st, funcs) == flag && (name == "trap" || i == len(s.file.Stmts)-1) {
				return true
			}
		}
	}
	return false
}

// writtenIn returns flag when one of the script's statements writes it, or "".
func writtenIn(s *shellScript, flag string) string {
	funcs := shell.FuncDecls(s.file)
	for _, st := range s.file.Stmts {
		if writtenAfter(s.node.Value, st, funcs) == flag {
			return flag
		}
	}
	return ""
}

// writtenAfter returns the flag a statement writes, itself or at the end of an && chain
// ("run && touch FLAG").
func writtenAfter(text string, st *syntax.Stmt, funcs map[string]*syntax.Stmt) string {
	if bin, ok := st.Cmd.(*syntax.BinaryCmd); ok && bin.Op == syntax.AndStmt {
		return writtenFlag(text, bin.Y, funcs)
	}
	return writtenFlag(text, st, funcs)
}

func newFlagPlan(flag, volume string) *flagPlan {
	return &flagPlan{flag: flag, dir: path.Dir(flag), volume: volume, watchers: map[*yaml.Node]bool{},
		scripts: map[*yaml.Node]string{}, exec: map[*shellScript][]string{}}
}

// watchedFlag returns the file that a watcher's script tests (-f or -e) while a process it
// started in the background runs, or "".
func watchedFlag(s *shellScript) string {
	if !runsInBackground(s.file) {
		return ""
	}
	flag := ""
	syntax.Walk(s.file, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.UnaryTest: // [[ -f F ]]
			if n.Op == syntax.TsRegFile || n.Op == syntax.TsExists {
				if w, ok := n.X.(*syntax.Word); ok && flag == "" {
					flag = shell.WordText(w)
				}
			}
		case *syntax.CallExpr: // [ -f F ], test -f F
			if len(n.Args) > 2 && (n.Args[0].Lit() == "[" || n.Args[0].Lit() == "test") {
				for i, a := range n.Args[1 : len(n.Args)-1] {
					if w := a.Lit(); (w == "-f" || w == "-e") && flag == "" {
						flag = shell.WordText(n.Args[i+2])
					}
				}
			}
		}
		return true
	})
	if !strings.HasPrefix(flag, "/") {
		return ""
	}
	return flag
}

// writtenFlag returns the file a statement writes as a flag: `touch F`, `echo ... > F`, a
// trap on EXIT that does so, itself or through a function of the script (funcs); ""
// otherwise.
func writtenFlag(text string, st *syntax.Stmt, funcs map[string]*syntax.Stmt) string {
	if call, name := shell.CallName(st); call != nil {
		switch name {
		case "touch":
			if len(call.Args) == 2 {
				return call.Args[1].Lit()
			}
		case "trap":
			if handler := trapHandler(text, st); handler != "" {
				if f, err := shell.Parse(handler); err == nil && len(f.Stmts) > 0 {
					if flag := writtenFlag(handler, f.Stmts[len(f.Stmts)-1], nil); flag != "" {
						return flag
					}
				}
			}
			if fd := funcs[strings.TrimSuffix(strings.TrimSpace(trapHandler(text, st)), ";")]; fd != nil {
				for _, b := range shell.FuncBody(fd) {
					if flag := writtenFlag(text, b, nil); flag != "" {
						return flag
					}
				}
			}
		}
		for _, r := range st.Redirs {
			if (r.Op == syntax.RdrOut || r.Op == syntax.AppOut) && r.Word != nil && r.Word.Lit() != "" {
				return r.Word.Lit()
			}
		}
	}
	return ""
}

// trapHandler returns the handler of `trap HANDLER EXIT`, unquoted, or "".
func trapHandler(text string, st *syntax.Stmt) string {
	call, name := shell.CallName(st)
	if name != "trap" || len(call.Args) < 3 || call.Args[len(call.Args)-1].Lit() != "EXIT" {
		return ""
	}
	return unquote(text[call.Args[1].Pos().Offset():call.Args[1].End().Offset()])
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// plan works out the edits: in writers, the flag-writing statements at the end of the script
// (or an EXIT trap); in watchers, everything but the background process, which is exec'ed.
func (p *flagPlan) plan(containers []container) {
	for _, c := range containers {
		s := containerScript(c.node)
		if s != nil && s.file != nil && testsFile(s.node.Value, p.flag) && !runsInBackground(s.file) && writtenIn(s, p.flag) == "" && !writtenAtExit(containers, p.flag) {
			// It waits for a file the app writes early, then starts its process: a start
			// gate, which works the same for a native sidecar. Not an exit flag.
			p.gate = true
			return
		}
	}
	p.status = statusFiles(containers, p.flag)
	for _, c := range containers {
		s := containerScript(c.node)
		if s == nil || !strings.Contains(s.node.Value, p.flag) {
			continue
		}
		if s.file == nil {
			p.problem = "the script of container " + c.name + " does not parse"
			return
		}
		text, watcher, err := p.edit(s)
		if watcher || (testsFile(s.node.Value, p.flag) && writtenIn(s, p.flag) == "") {
			// A watcher stays one when its script cannot be edited: it must not move.
			p.watchers[c.node] = true
		}
		if err != "" {
			p.problem = "in container " + c.name + ": " + err
			return
		}
		p.scripts[s.node] = text
	}
	if len(p.watchers) == 0 {
		p.problem = "no container in the manifest watches " + p.flag + " (the watcher may be in an image's entrypoint)"
	} else if reader := p.otherReader(containers); reader != "" {
		p.problem = reader
	} else if reader := p.podReader(containers); reader != "" {
		p.problem = reader
	}
}

// flagEdit is the edit of one script that uses the flag, as its statements are read: what
// goes whatever the script is, and what goes only from a watcher.
type flagEdit struct {
	cuts     []shell.Cut
	replaced map[*syntax.Stmt]string
	// backgrounds are the statements run with &; helpers the statements of a watcher's
	// vocabulary ($! saved, wait, kill, sleep), which a watcher loses with its loop and an
	// app keeps: its wait holds the script until its processes end.
	backgrounds, helpers []int
	watcher, writer      bool
	lastKept             int // the last statement kept whatever the script is
}

// edit returns the script without the workaround, and whether it was the watcher.
func (p *flagPlan) edit(s *shellScript) (string, bool, string) {
	text := s.node.Value
	e := &flagEdit{replaced: map[*syntax.Stmt]string{}, lastKept: -1}
	funcs := shell.FuncDecls(s.file)
	gone, problem := p.flagFuncs(text, s.file, funcs, &e.cuts, e.replaced)
	if problem != "" {
		return "", false, problem
	}
	status, writer, problem := statusCuts(text, s.file, p.status)
	if problem != "" {
		return "", false, problem
	}
	e.cuts, e.writer = append(e.cuts, status...), writer
	for i, st := range s.file.Stmts {
		if problem := p.readStmt(e, text, i, st, funcs, gone, status); problem != "" {
			return "", false, problem
		}
	}
	if e.watcher && e.writer {
		return "", true, "it both writes and tests " + p.flag
	}
	if !e.watcher {
		for _, i := range append(e.helpers, e.backgrounds...) {
			e.lastKept = max(e.lastKept, i)
		}
		return p.writerEdit(s, e.cuts, e.replaced, e.lastKept, funcs)
	}
	if len(e.backgrounds) > 1 {
		return "", true, "it starts more than one process in the background"
	}
	var background *syntax.Stmt
	if len(e.backgrounds) == 1 {
		background = s.file.Stmts[e.backgrounds[0]]
		e.lastKept = max(e.lastKept, e.backgrounds[0])
	}
	for _, i := range e.helpers {
		e.cuts = append(e.cuts, shell.StmtCut(text, s.file.Stmts[i]))
	}
	return p.watcherEdit(s, e.cuts, e.replaced, background, e.lastKept)
}

// readStmt reads the i-th top-level statement of a script into e; problem says why the
// script cannot be edited.
func (p *flagPlan) readStmt(e *flagEdit, text string, i int, st *syntax.Stmt, funcs map[string]*syntax.Stmt, gone map[string]bool, status []shell.Cut) string {
	src := text[st.Pos().Offset():st.End().Offset()]
	call, name := shell.CallName(st)
	switch {
	case shell.Covered(st, status):
		// the exit-code protocol beside the flag (exitcode.go)
	case st.Cmd != nil && funcs[shell.FuncName(st)] == st:
		// a function declaration: flagFuncs dealt with it
	case gone[strings.TrimSuffix(strings.TrimSpace(trapHandler(text, st)), ";")]:
		e.cuts = append(e.cuts, shell.StmtCut(text, st)) // trap FUNC EXIT, FUNC gone
	case strings.Contains(src, p.flag):
		return p.readFlagStmt(e, text, i, st, funcs)
	case st.Background && call != nil:
		e.backgrounds = append(e.backgrounds, i)
	case call != nil && len(call.Args) == 0 && len(call.Assigns) == 1 && strings.Contains(src, "$!"),
		name == "wait", name == "kill", name == "sleep":
		e.helpers = append(e.helpers, i)
	default:
		e.lastKept = i
	}
	return ""
}

// readFlagStmt reads a statement that names the flag: it writes it (alone, at the end of an
// && list, in an EXIT trap) or tests it.
func (p *flagPlan) readFlagStmt(e *flagEdit, text string, i int, st *syntax.Stmt, funcs map[string]*syntax.Stmt) string {
	src := text[st.Pos().Offset():st.End().Offset()]
	_, name := shell.CallName(st)
	bin, chain := st.Cmd.(*syntax.BinaryCmd)
	switch {
	case name == "trap" && trapHandler(text, st) != "":
		cut, printed, problem := p.trapFlagCut(text, st)
		if problem != "" {
			return problem
		}
		e.writer = true
		e.cuts = append(e.cuts, cut)
		if printed != "" {
			e.replaced[st] = printed
		}
	case writtenFlag(text, st, funcs) == p.flag:
		e.writer = true
		e.cuts = append(e.cuts, shell.StmtCut(text, st))
	case chain && bin.Op == syntax.AndStmt && writtenFlag(text, bin.Y, funcs) == p.flag && !strings.Contains(text[bin.X.Pos().Offset():bin.X.End().Offset()], p.flag):
		// "run && touch FLAG" keeps "run".
		e.writer = true
		e.cuts = append(e.cuts, shell.Cut{From: int(bin.X.End().Offset()), To: int(st.End().Offset())})
		e.replaced[st] = shell.Print(bin.X)
		e.lastKept = i
	case testsFile(src, p.flag) || name == "exit":
		// A loop or test on the flag, or `exit $(cat FLAG)` that mirrors an exit code.
		e.watcher = true
		e.cuts = append(e.cuts, shell.StmtCut(text, st))
	default:
		return "it uses " + p.flag + " in a way this tool does not recognise: " + firstLine(src)
	}
	return ""
}

// writerEdit returns the app's script without the flag's writing, which must be at the end
// (or in an EXIT trap), not in the middle, where stopping the sidecar early was meant.
func (p *flagPlan) writerEdit(s *shellScript, cuts []shell.Cut, replaced map[*syntax.Stmt]string, lastKept int, funcs map[string]*syntax.Stmt) (string, bool, string) {
	text := s.node.Value
	for i, st := range s.file.Stmts {
		if shell.Covered(st, cuts) && i < lastKept && funcs[shell.FuncName(st)] != st {
			if call, name := shell.CallName(st); !(call != nil && name == "trap") {
				last := firstLine(shell.Print(s.file.Stmts[lastKept]))
				if writtenAfter(text, st, funcs) != p.flag {
					return "", false, fmt.Sprintf("%q, which goes with the workaround, runs before the script's last command, %q", firstLine(shell.Print(st)), last)
				}
				return "", false, fmt.Sprintf("the flag is written before the script's last command, %q: the sidecar is stopped early on purpose", last)
			}
		}
	}
	out, err := applyCuts(text, s.file, cuts, replaced)
	if err != nil {
		return "", false, err.Error()
	}
	if change := statusChange(s, cuts); change != "" {
		p.statusChanges = append(p.statusChanges, scriptNote{s, change})
	}
	return out, false, ""
}

// watcherEdit returns the watcher's script reduced to its process: `proc args &` becomes
// `exec proc args`, the container's main process.
func (p *flagPlan) watcherEdit(s *shellScript, cuts []shell.Cut, replaced map[*syntax.Stmt]string, background *syntax.Stmt, lastKept int) (string, bool, string) {
	text := s.node.Value
	if background == nil || s.file.Stmts[lastKept] != background {
		return "", true, "the watcher does more than run one process in the background"
	}
	stmt, printed, problem := execStmt(text, s.file, background)
	if problem != "" {
		return "", true, problem
	}
	cuts = append(cuts, shell.Cut{From: int(background.Pos().Offset()), To: int(background.End().Offset()), Text: stmt})
	replaced[background] = printed
	out, err := applyCuts(text, s.file, cuts, replaced)
	if err != nil {
		return "", true, err.Error()
	}
	if words := execWords(s, out); words != nil {
		p.exec[s] = words
	}
	return out, true, ""
}

// flagFuncs plans the edit of the script's functions that write the flag (an EXIT trap
// calls them): a function that only writes it goes, with the traps that call it (it
// returns their names); in one that does more, only the writing statements go.
func (p *flagPlan) flagFuncs(text string, f *syntax.File, funcs map[string]*syntax.Stmt, cuts *[]shell.Cut, replaced map[*syntax.Stmt]string) (map[string]bool, string) {
	gone := map[string]bool{}
	word := func(name string) *regexp.Regexp {
		return regexp.MustCompile(`(^|[^\w-])` + regexp.QuoteMeta(name) + `($|[^\w-])`)
	}
	for _, name := range shell.FuncsInOrder(f, funcs) { // in script order: findings name the first
		st := funcs[name]
		if !strings.Contains(text[st.Pos().Offset():st.End().Offset()], p.flag) {
			continue
		}
		body := shell.FuncBody(st)
		var writes, others []*syntax.Stmt
		for _, b := range body {
			if writtenFlag(text, b, nil) == p.flag {
				writes = append(writes, b)
			} else {
				others = append(others, b)
			}
		}
		switch {
		case len(writes) == 0:
			return nil, "function " + name + " uses " + p.flag + " in a way this tool does not recognise"
		case len(others) > 0:
			var inner []shell.Cut
			for _, w := range writes {
				inner = append(inner, shell.StmtCut(text, w))
			}
			*cuts = append(*cuts, inner...)
			replaced[st] = shell.EditedStmt(text, st, inner)
			continue
		}
		// Every use of the function must be an EXIT trap that calls only it.
		uses := len(word(name).FindAllStringIndex(text, -1)) - 1
		for _, other := range f.Stmts {
			if strings.TrimSuffix(strings.TrimSpace(trapHandler(text, other)), ";") == name {
				uses--
			}
		}
		if uses != 0 {
			return nil, "function " + name + " writes " + p.flag + " and is called outside an EXIT trap"
		}
		gone[name] = true
		*cuts = append(*cuts, shell.StmtCut(text, st))
	}
	return gone, ""
}

// flagFile proposes to remove the workaround as planned (m.flags); its volume is released,
// for freedVolumes, when nothing but the flag uses it (flagvolume.go) and a container here
// writes the flag.
func flagFile(m *migration, p *pod) []Proposal {
	fp, t := m.flags, p.t
	if m.opts.KeepHacks || fp == nil {
		return nil
	}
	if fp.problem != "" {
		m.report(ruleHackKept, Warning, t, t.spec, "", "the exit-flag workaround on %s is left in place: %s", fp.flag, fp.problem)
		return nil
	}
	direct := ""
	if len(fp.exec) > 0 {
		direct = "; the watcher runs its process without the shell wrapper"
	}
	if fp.hiddenWriter {
		direct += "; no container here writes the flag (an image's entrypoint must), so its volume stays"
	}
	prop := Proposal{Rule: ruleFlagFile, Line: t.spec.Line, Column: t.spec.Column, Workarounds: 1,
		Message: fmt.Sprintf("exit-flag workaround on %s removed: the kubelet stops native sidecars once the app has exited%s", fp.flag, direct)}
	if t.runToCompletion { // a long-running app is restarted whatever its status
		for _, n := range fp.statusChanges {
			prop.Also = append(prop.Also, Note{Rule: ruleExitStatus, Severity: Warning, Container: scalar(n.script.container, "name"), Line: n.script.node.Line, Column: n.script.node.Column, Message: n.text})
		}
	}
	for n, text := range fp.scripts {
		prop.Edits = append(prop.Edits, edit(t, n, Edit{Op: OpText, Text: []textedit.Edit{textChange(n.Value, text)}}))
	}
	for s, words := range fp.exec {
		prop.Edits = append(prop.Edits, execFormEdits(t, s, words)...)
	}
	for n := range fp.watchers {
		prop.Releases.Containers = append(prop.Releases.Containers, scalar(n, "name"))
	}
	sort.Strings(prop.Releases.Containers)
	if kept := fp.volumeKept(t.spec); kept != nil && !fp.hiddenWriter {
		prop.Also = append(prop.Also, *kept)
	} else if !fp.hiddenWriter {
		prop.Releases.Volumes = []string{fp.volume} // proven to serve only the flag
	}
	return []Proposal{prop}
}
