package migrate

import (
	"fmt"
	"path"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/internal/textedit"
	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// stoppedBy records, for the evidence of a run-to-completion pod, the containers that the app
// stops, with the statement that does it. A shutdown call counts only on a known sidecar's
// endpoint: a generic /shutdown on a port an unknown container serves may be the app's own
// graceful end, and that container may be the app.
func stoppedBy(stops []*appStop) map[*yaml.Node]string {
	out := map[*yaml.Node]string{}
	for _, st := range stops {
		for i, h := range st.hits {
			for _, c := range st.targets[i] {
				if h.kind.stops() && out[c.node] == "" && (h.kind != stopShutdown || knownStopPort(c, h.port)) {
					out[c.node] = fmt.Sprintf("%q in container %s", st.what, st.app.name)
				}
			}
		}
	}
	return out
}

// keptStop returns, for a sidecar of a run-to-completion pod, the app's statement that stops
// it and will stay (so the sidecar must not move), with the reason; "" when there is none.
func (m *migration) keptStop(stops []*appStop, c container) (what, why string) {
	for _, st := range stops {
		for i, h := range st.hits {
			if !h.kind.stops() || !containsNode(st.targets[i], c.node) {
				continue
			}
			switch {
			case m.opts.KeepHacks:
				why = "--keep-hacks"
			case m.off(h.kind.rule().ID):
				why = "the rule " + h.kind.rule().ID + " is off"
			case st.problem != "":
				why = st.problem
			default:
				continue
			}
			return fmt.Sprintf("%q (container %s)", st.what, st.app.name), why
		}
	}
	return "", ""
}

// stops proposes to remove the app-side workarounds whose sidecars are native after the
// move, and reports those that stay.
func stops(m *migration, p *pod) []Proposal {
	if m.opts.KeepHacks {
		return nil
	}
	t, natives := p.t, p.natives
	var apps []container
	byApp := map[*yaml.Node][]*appStop{}
	for _, st := range planStops(t.spec, p.apps, p.all) {
		if byApp[st.app.node] == nil {
			apps = append(apps, st.app)
		}
		byApp[st.app.node] = append(byApp[st.app.node], st)
	}
	var out []Proposal
	for _, app := range apps {
		var chosen []*appStop
		for _, st := range byApp[app.node] {
			if !t.runToCompletion && stopsOnly(st) {
				// A long-running pod restarts whatever exits, and the same call (a
				// reloader's signal) may be legitimate there: nothing is removed.
				m.report(ruleHackKept, Info, t, stopNode(st), app.name, "%q is left as it is: outside a run-to-completion pod an exit is never final, so stopping a sidecar is not a workaround the tool removes", st.what)
				continue
			}
			if why := m.stopStays(t, st, natives); why != "" {
				if why != "-" {
					m.report(ruleHackKept, Warning, t, stopNode(st), app.name, "%q is left as it is: %s", st.what, why)
				}
				continue
			}
			chosen = append(chosen, st)
		}
		if len(chosen) == 0 {
			continue
		}
		var prop Proposal
		var err error
		if chosen[0].script == nil {
			prop, err = execAwaitProposal(t, chosen[0], natives)
		} else {
			prop, err = scriptProposal(t, chosen[0].script, chosen, natives)
		}
		if err != nil {
			m.report(ruleHackKept, Warning, t, stopNode(chosen[0]), app.name, "the workaround is left as it is: %v", err)
			continue
		}
		out = append(out, prop)
	}
	return out
}

// injectedStops reports the app's stops of injected proxies, which stay.
func injectedStops(m *migration, p *pod) []Proposal {
	if !m.opts.KeepHacks {
		m.reportInjectedStops(p.t, p.apps)
	}
	return nil
}

// stopsOnly reports whether every hit of a statement stops a sidecar (not a wait for it).
func stopsOnly(st *appStop) bool {
	for _, h := range st.hits {
		if !h.kind.stops() {
			return false
		}
	}
	return len(st.hits) > 0
}

func stopNode(st *appStop) *yaml.Node {
	if st.script != nil {
		return st.script.node
	}
	return st.app.node
}

// stopStays returns why a workaround stays: a sentence for a warning, "-" to stay silently
// (--keep-hacks, a disabled rule, a loop that waits for a sidecar that stays in containers),
// or "" when it can go.
func (m *migration) stopStays(t podTemplate, st *appStop, natives []container) string {
	if st.problem != "" {
		return st.problem
	}
	for i, h := range st.hits {
		if m.opts.KeepHacks || m.off(h.kind.rule().ID) {
			return "-"
		}
		targets := st.targets[i]
		if len(targets) == 0 {
			switch {
			case m.meshMadeNative(t, h.port):
			case h.kind.stops() && injectedMesh(t):
				return "-" // injectedStops says which mesh and why the call stays
			case h.port != "" && knownPorts[h.port] != nil && h.kind.stops():
				return injectedStays(h.port)
			default:
				return "-" // not a sidecar of this pod: the app's own business
			}
			continue
		}
		for _, c := range targets {
			switch {
			case !containsNode(natives, c.node) && h.kind == stopShutdown && !knownStopPort(c, h.port) && !m.sidecarByEvidence(t, c):
				return fmt.Sprintf("port %s is no known sidecar's, and container %s, which serves it, is not known as a sidecar (its image and name are in no catalogue): it may be the app, which would then get SIGTERM instead of this shutdown, and its exit status would no longer decide the Job; if it is a sidecar, list it in %s and run again", h.port, c.name, AnnotationSidecars)
			case !containsNode(natives, c.node) && h.kind.stops():
				return "container " + c.name + " is not a native sidecar after the migration"
			case !containsNode(natives, c.node):
				return "-"
			case h.kind == stopWait && h.path != "" && !readyEndpoint(c, h.port, h.path):
				return "-" // a request to the sidecar that does real work, not a readiness poll
			case h.kind == stopWait && lookup(c.node, "startupProbe") == nil:
				return fmt.Sprintf("it waits until %s is ready, and %s has no startupProbe, so the app could start before it is ready; give it one (--startup-probe %s copies its readinessProbe) and run again", c.name, c.name, StartupFromReadiness)
			case h.kind == stopWait && !probeChecks(c, h):
				return fmt.Sprintf("it waits until %s, and the startupProbe of %s does not check that (%s), so the app could start before it does; a startupProbe %s would let it go", waitTarget(h), c.name, probeSummary(lookup(c.node, "startupProbe")), wantedProbe(h))
			}
		}
	}
	return ""
}

func meshOfPort(port string) string {
	if port == "4191" {
		return "linkerd"
	}
	return "istio"
}

// injectedStays says why a stop of a proxy that Istio or Linkerd injects stays, and which
// switch makes it native, in the words the other injected meshes' warnings use.
func injectedStays(port string) string {
	if meshOfPort(port) == "linkerd" {
		return fmt.Sprintf("it stops the Linkerd proxy (port %s), which Linkerd injects at admission as a legacy sidecar; --mesh-native linkerd adds its native-sidecar annotation (config.alpha.linkerd.io/proxy-enable-native-sidecar; linkerd@2.19 writes the beta key), and the call then goes", port)
	}
	return fmt.Sprintf("it stops the Istio proxy (port %s), which Istio injects at admission as a legacy sidecar; --mesh-native istio adds sidecar.istio.io/nativeSidecar: \"true\", and the call then goes", port)
}

// meshMadeNative reports whether the proxy behind a well-known mesh port is injected at
// admission and made native by its annotation on this pod template.
func (m *migration) meshMadeNative(t podTemplate, port string) bool {
	switch port {
	case "15000", "15020", "15021":
		return meshNativeOn(t, "istio")
	case "4191":
		return meshNativeOn(t, "linkerd")
	}
	return false
}

// scriptProposal proposes to remove the chosen workarounds from a script, with the exit
// status bookkeeping that only served them.
func scriptProposal(t podTemplate, s *shellScript, chosen []*appStop, natives []container) (Proposal, error) {
	text := s.node.Value
	var cuts []shell.Cut
	replaced := map[*syntax.Stmt]string{}
	removed := map[stopKind]int{}
	for _, st := range chosen {
		switch {
		case awaitCall(st.stmt) != nil:
			c, printed, err := awaitCut(st, natives)
			if err != nil {
				return Proposal{}, err
			}
			cuts = append(cuts, c)
			replaced[st.stmt] = printed
		case st.keep != nil:
			cuts = append(cuts, shell.Cut{From: int(st.keep.End().Offset()), To: int(st.stmt.End().Offset())})
			replaced[st.stmt] = shell.Print(st.keep)
		default:
			cuts = append(cuts, shell.StmtCut(text, st.stmt))
		}
		removed[st.hits[0].kind]++
	}
	cuts = append(cuts, bookkeeping(text, s.file, cuts)...)
	out, err := applyCuts(text, s.file, cuts, replaced)
	if err != nil {
		return Proposal{}, err
	}
	app := chosen[0].app.name
	prop := Proposal{Container: app, Line: s.node.Line, Column: s.node.Column,
		Edits: []Edit{edit(t, s.node, Edit{Op: OpText, Text: []textedit.Edit{textChange(text, out)}})}}
	for _, k := range []stopKind{stopShutdown, stopKill, stopAwait, stopWait} {
		if removed[k] == 0 {
			continue
		}
		if prop.Message == "" {
			prop.Rule, prop.Message = k.rule(), stopMessage(k, removed[k], chosen)
		} else {
			prop.Also = append(prop.Also, Note{Rule: k.rule(), Severity: Info, Fixed: true, Container: app, Line: s.node.Line, Column: s.node.Column, Message: stopMessage(k, removed[k], chosen)})
		}
		prop.Workarounds += removed[k]
	}
	if change := statusChange(s, cuts); change != "" && t.runToCompletion {
		prop.Also = append(prop.Also, Note{Rule: ruleExitStatus, Severity: Warning, Container: app, Line: s.node.Line, Column: s.node.Column, Message: change})
	}
	prop.Releases = Releases{Containers: releasedBy(chosen), ProcessNamespace: removed[stopKill] > 0}
	return prop, nil
}

// releasedBy returns the names of the containers the chosen statements stop or wait for.
func releasedBy(chosen []*appStop) []string {
	var names []string
	seen := map[string]bool{}
	for _, st := range chosen {
		for _, targets := range st.targets {
			for _, c := range targets {
				if !seen[c.name] {
					seen[c.name] = true
					names = append(names, c.name)
				}
			}
		}
	}
	return names
}

func stopMessage(k stopKind, n int, chosen []*appStop) string {
	switch k {
	case stopShutdown:
		return fmt.Sprintf("removed %d call(s) to a sidecar's shutdown endpoint: the kubelet stops native sidecars once the app has exited", n)
	case stopKill:
		return fmt.Sprintf("removed %d kill(s) of a sidecar's process: the kubelet stops native sidecars once the app has exited", n)
	case stopWait:
		return fmt.Sprintf("removed %d loop(s) waiting for a sidecar: it is native with a startupProbe, so it is ready before the app starts", n)
	}
	for _, st := range chosen {
		if st.hits[0].kind == stopAwait && st.waitStays {
			return "--shutdown removed from linkerd-await: the kubelet stops the native proxy once the app has exited; the wait for the proxy stays, since it has no startupProbe or postStart await"
		}
	}
	return "linkerd-await --shutdown removed: the kubelet stops the native proxy once the app has exited, and it is ready before the app starts (startupProbe or postStart await)"
}

// bookkeeping returns the cuts of exit status bookkeeping left without purpose by the cuts:
// `X=$?` (or `X=$(echo $?)`) before a removed workaround, when the script then ends, or
// ends with `exit $X`, and X is used nowhere else.
func bookkeeping(text string, f *syntax.File, cuts []shell.Cut) []shell.Cut {
	var out []shell.Cut
	for i, st := range f.Stmts {
		x := statusVar(st)
		if x == "" || shell.Covered(st, cuts) {
			continue
		}
		removedAfter := false
		var rest []*syntax.Stmt
		for _, later := range f.Stmts[i+1:] {
			if shell.Covered(later, cuts) {
				removedAfter = true
			} else {
				rest = append(rest, later)
			}
		}
		used := func(stmts []*syntax.Stmt) bool {
			for _, s := range stmts {
				src := text[s.Pos().Offset():s.End().Offset()]
				if strings.Contains(src, "$"+x) || strings.Contains(src, "${"+x) {
					return true
				}
			}
			return false
		}
		var others []*syntax.Stmt
		for j, s := range f.Stmts {
			if j != i && !shell.Covered(s, cuts) && (len(rest) != 1 || s != rest[0]) {
				others = append(others, s)
			}
		}
		switch {
		case !removedAfter || used(others):
		case len(rest) == 0:
			out = append(out, shell.StmtCut(text, st))
		case len(rest) == 1 && exitVar(rest[0]) == x:
			out = append(out, shell.StmtCut(text, st), shell.StmtCut(text, rest[0]))
		}
	}
	return out
}

// awaitWhole reports whether linkerd-await can go with --shutdown: the proxies it waits for
// are ready before the app starts (a startupProbe, or a postStart hook that awaits them).
func awaitWhole(st *appStop, natives []container) bool {
	if len(st.targets) == 0 || len(st.targets[0]) == 0 {
		return false // an injected proxy: keep the wait
	}
	for _, c := range st.targets[0] {
		if lookup(c.node, "startupProbe") == nil && lookupPath(c.node, "lifecycle", "postStart") == nil {
			return false
		}
	}
	return true
}

// awaitCut returns the cut that removes linkerd-await --shutdown (up to its "--") from a
// statement, or only --shutdown when the wait is still needed, and the statement as it
// then prints.
func awaitCut(st *appStop, natives []container) (shell.Cut, string, error) {
	call := awaitCall(st.stmt)
	args := call.Args
	first, flag, dashes := -1, -1, -1
	for i, a := range args {
		switch w := shell.WordText(a); {
		case first < 0 && path.Base(w) == "linkerd-await":
			first = i
		case flag < 0 && (w == "--shutdown" || w == "-S"):
			flag = i
		case dashes < 0 && w == "--":
			dashes = i
		}
	}
	var c shell.Cut
	var keep []*syntax.Word
	switch {
	case awaitWhole(st, natives) && dashes > 0 && dashes+1 < len(args):
		c = shell.Cut{From: int(args[first].Pos().Offset()), To: int(args[dashes+1].Pos().Offset())}
		keep = append(append(keep, args[:first]...), args[dashes+1:]...)
	case flag+1 < len(args):
		st.waitStays = true
		c = shell.Cut{From: int(args[flag].Pos().Offset()), To: int(args[flag+1].Pos().Offset())}
		keep = append(append(keep, args[:flag]...), args[flag+1:]...)
	default:
		return shell.Cut{}, "", fmt.Errorf("linkerd-await has no command after --shutdown")
	}
	call.Args = keep
	printed := shell.Print(st.stmt)
	call.Args = args
	return c, printed, nil
}

// execAwaitProposal proposes to remove linkerd-await --shutdown from an exec-form command:
// the items up to "--", or only --shutdown when the wait is still needed.
func execAwaitProposal(t podTemplate, st *appStop, natives []container) (Proposal, error) {
	cmd, args := lookup(st.app.node, "command"), lookup(st.app.node, "args")
	words := commandWords(st.app.node)
	drop := map[*yaml.Node]bool{}
	whole := awaitWhole(st, natives)
	for i, w := range words {
		if w.Value == "--" && whole {
			for _, x := range words[:i+1] {
				drop[x] = true
			}
			break
		}
		if w.Value == "--shutdown" || w.Value == "-S" {
			drop[w] = true
		}
	}
	st.waitStays = !whole
	var keptCmd, keptArgs int
	for _, w := range seqItems(cmd) {
		if !drop[w] {
			keptCmd++
		}
	}
	var firstArg *yaml.Node
	for _, w := range seqItems(args) {
		if !drop[w] {
			keptArgs++
			if firstArg == nil {
				firstArg = w
			}
		}
	}
	var edits []Edit
	if keptCmd == 0 {
		// The command was all wrapper: its first item takes the program from args.
		if firstArg == nil {
			return Proposal{}, fmt.Errorf("linkerd-await has no command after --")
		}
		first := cmd.Content[0]
		delete(drop, first)
		drop[firstArg] = true
		edits = append(edits, edit(t, first, Edit{Op: OpSet, Value: firstArg.Value, Style: firstArg.Style, Tag: firstArg.Tag, Restyle: true}))
	}
	for _, w := range words {
		if drop[w] {
			edits = append(edits, edit(t, w, Edit{Op: OpDelete, Prune: true}))
		}
	}
	return Proposal{Rule: ruleAwaitShutdown, Container: st.app.name, Line: cmd.Line, Column: cmd.Column,
		Message: stopMessage(stopAwait, 1, []*appStop{st}), Edits: edits,
		Releases: Releases{Containers: releasedBy([]*appStop{st})}, Workarounds: 1}, nil
}

// processTools are the commands that reach other containers' processes through the shared
// process namespace: signals, process listings, debuggers, tracers, profilers and attachers.
var processTools = map[string]bool{
	"kill": true, "pkill": true, "pgrep": true, "pidof": true, "killall": true, "skill": true, "renice": true,
	"ps": true, "top": true, "htop": true, "pstree": true, "pmap": true, "pwdx": true, "lsof": true, "fuser": true,
	"nsenter": true, "strace": true, "ltrace": true, "gdb": true, "gcore": true, "pstack": true, "dlv": true,
	"perf": true, "bpftrace": true, "py-spy": true, "rbspy": true,
	"jcmd": true, "jstack": true, "jmap": true, "jinfo": true, "jstat": true, "jps": true, "jattach": true,
	"asprof": true, "profiler.sh": true,
}

// processNamespace proposes to remove shareProcessNamespace once an accepted proposal
// released it (the kills of sidecars, a workaround container), when the manifest shows every
// container's command and none of them uses other containers' processes; otherwise it says
// why it stays. SYS_PTRACE stays either way: it also lets a container attach to its own
// processes (py-spy, gdb, perf, a JVM's jcmd), which the manifest cannot rule out.
func processNamespace(m *migration, p *pod) []Proposal {
	released := false
	for _, a := range p.accepted {
		released = released || a.Releases.ProcessNamespace
	}
	t := p.t
	at := lookup(t.spec, "shareProcessNamespace")
	if !released || at == nil {
		return nil
	}
	why := ""
	for _, c := range containerNodes(t.spec) {
		name := scalar(c, "name")
		if lookup(c, "command") == nil {
			why = "container " + name + " runs its image's entrypoint, which this manifest does not show"
			continue
		}
		for _, w := range append(readContainer(c).words, hookWords(c)...) {
			if processTools[path.Base(strings.TrimLeft(w, "$(`\"'"))] || strings.Contains(w, "/proc") || strings.Contains(w, "psutil") {
				why = "container " + name + " still uses " + w
			}
		}
	}
	if why != "" {
		m.report(ruleProcessNamespace, Info, t, at, "", "shareProcessNamespace: true stays: %s; remove it if nothing needs the shared process namespace", why)
		return nil
	}
	return []Proposal{{Rule: ruleProcessNamespace, Line: at.Line, Column: at.Column,
		Message: "shareProcessNamespace removed: it served only to kill the sidecar; each container's program is now PID 1 of its own container, so one that ignores SIGTERM as PID 1 ends at the grace period",
		Edits:   []Edit{{Path: inSpec(key("shareProcessNamespace")), Op: OpDelete}},
		Also:    append(ptraceNotes(t.spec), pid1Notes(t.spec)...)}}
}

// ptraceNotes says, for each container that adds SYS_PTRACE, that the capability stays once
// the process namespace is not shared.
func ptraceNotes(spec *yaml.Node) []Note {
	var notes []Note
	for _, c := range containerNodes(spec) {
		name := scalar(c, "name")
		for _, item := range seqItems(lookupPath(c, "securityContext", "capabilities", "add")) {
			if strings.TrimPrefix(strings.ToUpper(item.Value), "CAP_") == "SYS_PTRACE" {
				notes = append(notes, Note{Rule: ruleProcessNamespace, Severity: Info, Container: name, Line: item.Line, Column: item.Column,
					Message: fmt.Sprintf("%s stays: it was likely added to reach another container's process, such as the sidecar's, through the shared process namespace, which is removed; remove it if nothing in container %s attaches to a process (py-spy, gdb, perf, strace, jcmd)", item.Value, name)})
			}
		}
	}
	return notes
}

// knownStopPort reports whether port is a shutdown endpoint that c, a known sidecar, serves:
// Istio's 15000 and 15020, Linkerd's 4191, the admin port of the Cloud SQL proxy (or of a
// container that turns its --quitquitquit on), Envoy's admin port.
func knownStopPort(c container, port string) bool {
	if f := knownPorts[port]; f != nil && f(c) {
		return true
	}
	if (isCloudSQLProxy(c) || hasFlag(c.words, "quitquitquit")) && listensOn(c, port) {
		return true
	}
	if isEnvoy(c) {
		for _, p := range seqItems(lookup(c.node, "ports")) {
			if n := scalar(p, "containerPort"); n == port && (strings.Contains(scalar(p, "name"), "admin") || n == "9901" || n == "15000") {
				return true
			}
		}
	}
	return false
}

// hasFlag reports whether words hold --name (or -name), alone or with a value.
func hasFlag(words []string, name string) bool {
	for _, w := range words {
		if f, _, _ := strings.Cut(strings.TrimLeft(w, "-"), "="); f == name && strings.HasPrefix(w, "-") {
			return true
		}
	}
	return false
}

// sidecarByEvidence reports whether c is a sidecar by evidence other than the app's stop
// of it: an annotation, the catalogue, its behaviour.
func (m *migration) sidecarByEvidence(t podTemplate, c container) bool {
	_, ok := m.evidenceFor(c, t.annotationList(AnnotationSidecars))
	return ok
}

// hookWords returns the words of the exec commands of c's probes and lifecycle hooks, split
// at spaces: a probe that runs pgrep needs the shared process namespace as a script does.
func hookWords(c *yaml.Node) []string {
	var words []string
	for _, at := range [][]string{{"livenessProbe"}, {"readinessProbe"}, {"startupProbe"}, {"lifecycle", "postStart"}, {"lifecycle", "preStop"}} {
		for _, item := range seqItems(lookupPath(lookupPath(c, at...), "exec", "command")) {
			words = append(words, strings.FieldsFunc(item.Value, isWordBreak)...)
		}
	}
	return words
}
