package migrate

import (
	"path"
	"regexp"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// App-side workarounds: the app stops its sidecars once its work is done (a call to a
// shutdown endpoint, a signal to the sidecar's process through a shared process namespace,
// linkerd-await --shutdown around its command), or polls them before it starts. Native
// sidecars start before the app and are stopped by the kubelet after it, so these statements
// go once their sidecar is native (and, for the polling loops, has a startupProbe).
var (
	ruleShutdownCall     = Rule{ID: "hack-shutdown-call", Matches: "curl, wget or a /dev/tcp request to a sidecar's /quitquitquit or /shutdown endpoint on localhost", Summary: "The app stopped its proxy by hand; a native sidecar is stopped by the kubelet after the app."}
	ruleKillSidecar      = Rule{ID: "hack-kill-sidecar", Matches: "pkill, killall, kill $(pidof ...) or kill $(pgrep ...) of a sidecar's process, with shareProcessNamespace", Summary: "The app killed its sidecar through the shared process namespace; a native sidecar is stopped by the kubelet after the app."}
	ruleAwaitShutdown    = Rule{ID: "hack-linkerd-await-shutdown", Matches: "linkerd-await --shutdown -- CMD", Summary: "linkerd-await shut the Linkerd proxy down after the command; a native proxy is stopped by the kubelet, and one with a startupProbe or a postStart await is ready before the app starts."}
	ruleWaitLoop         = Rule{ID: "hack-wait-for-sidecar", Matches: "a loop that polls a sidecar on localhost until it answers (until curl .../healthz/ready, until nc -z localhost PORT)", Summary: "A native sidecar with a startupProbe is ready before the app starts; the loop is removed only then."}
	ruleProcessNamespace = Rule{ID: "share-process-namespace", Matches: "shareProcessNamespace: true in a pod whose app killed its sidecar", Summary: "Removed only when every container's command is in the manifest and none reaches other processes (kill, ps, a debugger, a profiler, /proc); SYS_PTRACE stays, with an info, since a container may attach to its own processes; each program is then PID 1 of its container, and a warning names each shell script that would be PID 1 without a handler for SIGTERM."}
	ruleStoppedByApp     = Rule{ID: "behaviour-stopped-by-app", Confidence: High, Matches: "a container the app shuts down or kills when its work is done, in a run-to-completion pod", Summary: "The app stops it once the work is done: it is a sidecar."}
)

var (
	// shutdownURL matches a shutdown endpoint on the loopback address.
	shutdownURL = regexp.MustCompile(`(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]):(\d+)/(?:quitquitquit|shutdown)\b`)
	// devTCP matches bash's /dev/tcp/HOST/PORT on the loopback address.
	devTCP       = regexp.MustCompile(`^/dev/tcp/(?:localhost|127\.0\.0\.1|0\.0\.0\.0)/(\d+)$`)
	shutdownPath = regexp.MustCompile(`/(?:quitquitquit|shutdown)\b`)
)

// knownPorts names the sidecars behind well-known loopback ports: shutdown endpoints (Istio
// 15000 and 15020, Linkerd 4191, Cloud SQL proxy v2 9091) and readiness endpoints (Istio
// 15021, Cloud SQL proxy v2 9090).
var knownPorts = map[string]func(container) bool{
	"15000": isIstioProxy, "15020": isIstioProxy, "15021": isIstioProxy,
	"4191": isLinkerdProxy,
	"9091": isCloudSQLProxy, "9090": isCloudSQLProxy,
}

func isIstioProxy(c container) bool {
	return c.name == "istio-proxy" || matchRepo(repository(c.image), "istio/proxyv2")
}

func isLinkerdProxy(c container) bool {
	return c.name == "linkerd-proxy" || matchRepo(repository(c.image), "linkerd/proxy")
}

func isCloudSQLProxy(c container) bool {
	return matchRepo(repository(c.image), "cloud-sql-connectors/cloud-sql-proxy") || c.name == "cloud-sql-proxy"
}

// processAliases names the processes of well-known sidecar images.
var processAliases = map[string][]string{
	"istio/proxyv2":                        {"envoy", "pilot-agent"},
	"linkerd/proxy":                        {"linkerd2-proxy"},
	"cloudsql-docker/gce-proxy":            {"cloud_sql_proxy"},
	"cloud-sql-connectors/cloud-sql-proxy": {"cloud-sql-proxy"},
}

// stopKind says what an app-side workaround does to a sidecar.
type stopKind int

const (
	stopShutdown stopKind = iota // calls the sidecar's shutdown endpoint
	stopKill                     // signals the sidecar's process
	stopAwait                    // linkerd-await --shutdown around the app's command
	stopWait                     // polls the sidecar until it answers
)

func (k stopKind) rule() Rule {
	return [...]Rule{ruleShutdownCall, ruleKillSidecar, ruleAwaitShutdown, ruleWaitLoop}[k]
}

// stops reports whether the workaround stops its sidecar (rather than waiting for it).
func (k stopKind) stops() bool { return k != stopWait }

// hit is one sidecar a statement stops or waits for: by port, or by process name.
type hit struct {
	kind    stopKind
	port    string
	path    string // the polled path, for a readiness loop over http
	http    bool   // the loop polls over http (curl, wget), not a bare connection (nc -z)
	process string
	full    bool // pkill -f: process matches the whole command line
}

// appStop is one top-level statement of an app's script (or the app's exec-form command,
// for linkerd-await) that stops sidecars or waits for them.
type appStop struct {
	app     container
	script  *shellScript // nil for an exec-form command
	stmt    *syntax.Stmt
	keep    *syntax.Stmt // "run && curl ...": the part that stays; nil when the statement goes
	hits    []hit
	targets [][]container // per hit, the containers of the pod it stops
	what    string        // the statement, as findings quote it
	problem string        // why it cannot be removed, or ""
	// waitStays is set when linkerd-await loses only --shutdown: its proxy may not be
	// ready before the app starts.
	waitStays bool
}

// stopScan reads the app-side workarounds of one pod.
type stopScan struct {
	all       []container // containers and init containers
	sharedPID bool        // shareProcessNamespace: true
}

// planStops finds the app-side workarounds in the commands of apps, each with the
// containers of the pod (all) it stops.
func planStops(spec *yaml.Node, apps, all []container) []*appStop {
	sc := stopScan{sharedPID: boolField(spec, "shareProcessNamespace")}
	plainInit := map[*yaml.Node]bool{}
	for _, n := range seqItems(lookup(spec, "initContainers")) {
		plainInit[n] = scalar(n, "restartPolicy") != "Always"
	}
	for _, c := range all {
		// A plain init container has exited before the app starts: it serves no port the
		// app could call (istio-init runs from the proxy's image, and is not the proxy).
		if !plainInit[c.node] {
			sc.all = append(sc.all, c)
		}
	}
	var stops []*appStop
	for _, app := range apps {
		for _, st := range sc.scan(app) {
			for _, h := range st.hits {
				st.targets = append(st.targets, sc.resolve(app, h))
			}
			stops = append(stops, st)
		}
	}
	return stops
}

// scan returns the workarounds in one container's command.
func (sc stopScan) scan(app container) []*appStop {
	s := containerScript(app.node)
	if s == nil {
		if st := execAwait(app); st != nil {
			return []*appStop{st}
		}
		return nil
	}
	text := s.node.Value
	if s.file == nil {
		var out []*appStop
		for _, m := range shutdownURL.FindAllStringSubmatch(text, -1) {
			out = append(out, &appStop{app: app, script: s, hits: []hit{{kind: stopShutdown, port: m[1]}}, what: m[0], problem: "the script does not parse (" + s.err + ")"})
		}
		return out
	}
	var out []*appStop
	for i, st := range s.file.Stmts {
		src := text[st.Pos().Offset():st.End().Offset()]
		last := i == len(s.file.Stmts)-1
		stop := &appStop{app: app, script: s, stmt: st, what: firstLine(src)}
		if hits, ok := sc.only(text, st, last); ok && len(hits) > 0 {
			stop.hits = hits
		} else if bin, ok := st.Cmd.(*syntax.BinaryCmd); ok && bin.Op == syntax.AndStmt && !bin.X.Background {
			if hits, ok := sc.only(text, bin.Y, last); ok && len(hits) > 0 {
				stop.hits, stop.keep = hits, bin.X
			}
		}
		if stop.hits == nil {
			if port, path, http := waitLoop(text, st); port != "" {
				stop.hits = []hit{{kind: stopWait, port: port, path: path, http: http}}
			} else if awaitCall(st) != nil {
				stop.hits = []hit{{kind: stopAwait, port: "4191"}}
			} else if m := shutdownURL.FindStringSubmatch(src); m != nil {
				stop.hits = []hit{{kind: stopShutdown, port: m[1]}}
				stop.problem = "the call is an argument of another command, not a command of its own"
				if why := wrappedProblem(st); why != "" {
					stop.problem = why
				}
				if miss := nearMiss(st); miss != "" {
					stop.problem = "it is not a plain shutdown call: " + miss
				}
				if s.node.Style&yaml.FoldedStyle != 0 {
					stop.problem = "the folded scalar (>) joins its lines, so the call is an argument of the line before it; if separate commands were meant, write the script with | and run again"
				}
			} else if port, why := envURLStop(app, src); why != "" {
				stop.hits, stop.problem = []hit{{kind: stopShutdown, port: port}}, why
			}
		}
		if stop.hits != nil {
			out = append(out, stop)
		}
	}
	return out
}

// only returns what a statement stops when stopping sidecars is all it does: stop calls
// joined by && or ||, with `|| true`, an EXIT trap that only does that, and, as the last
// statement, `exit $status` after them.
func (sc stopScan) only(text string, st *syntax.Stmt, last bool) ([]hit, bool) {
	if st.Background || st.Negated {
		return nil, false
	}
	switch cmd := st.Cmd.(type) {
	case *syntax.BinaryCmd:
		if cmd.Op != syntax.AndStmt && cmd.Op != syntax.OrStmt {
			return nil, false
		}
		x, okx := sc.only(text, cmd.X, false)
		y, oky := sc.only(text, cmd.Y, last)
		return append(x, y...), okx && oky
	case *syntax.WhileClause:
		return sc.retriedStop(text, st, cmd)
	case *syntax.IfClause:
		return sc.guardedStop(text, st, cmd)
	case *syntax.CallExpr:
		if h, ok := sc.leaf(text, st); ok {
			return []hit{h}, true
		}
		if isTrue(st) || (last && exitVar(st) != "") {
			return nil, true
		}
		call, name := shell.CallName(st)
		if name != "trap" || len(call.Args) != 3 || call.Args[2].Lit() != "EXIT" {
			return nil, false
		}
		handler := unquote(text[call.Args[1].Pos().Offset():call.Args[1].End().Offset()])
		f, err := shell.Parse(handler)
		if err != nil || len(f.Stmts) == 0 {
			return nil, false
		}
		var hits []hit
		for i, hs := range f.Stmts {
			if statusVar(hs) != "" {
				continue
			}
			h, ok := sc.only(handler, hs, i == len(f.Stmts)-1)
			if !ok {
				return nil, false
			}
			hits = append(hits, h...)
		}
		return hits, true
	}
	return nil, false
}

// leaf recognises one stop call: curl or wget of a shutdown URL, a request written to
// /dev/tcp, and, with a shared process namespace, a kill of another process.
func (sc stopScan) leaf(text string, st *syntax.Stmt) (hit, bool) {
	call, name := shell.CallName(st)
	if call == nil {
		return hit{}, false
	}
	src := text[st.Pos().Offset():st.End().Offset()]
	switch name {
	case "curl", "wget":
		if port, miss := shutdownCall(call, name); miss == "" && quietRedirs(st) {
			return hit{kind: stopShutdown, port: port}, true
		}
	case "echo", "printf":
		for _, r := range st.Redirs {
			if m := devTCP.FindStringSubmatch(shell.WordText(r.Word)); m != nil && shutdownPath.MatchString(src) {
				return hit{kind: stopShutdown, port: m[1]}, true
			}
		}
	case "pkill", "killall", "kill":
		if process, full := killCall(call, name); sc.sharedPID && process != "" {
			return hit{kind: stopKill, process: process, full: full}, true
		}
	}
	return hit{}, false
}

// killCall returns the process that pkill NAME, killall NAME, kill $(pidof NAME) or
// kill $(pgrep NAME) stops with a terminating signal, and whether NAME matches the whole
// command line (-f).
func killCall(call *syntax.CallExpr, name string) (process string, full bool) {
	args := call.Args[1:]
	signal := ""
	var operands []*syntax.Word
	for i := 0; i < len(args); i++ {
		a := shell.WordText(args[i])
		switch {
		case a == "-f" || a == "--full":
			full = true
		case a == "-s" || a == "--signal":
			if i+1 < len(args) {
				signal = shell.WordText(args[i+1])
				i++
			}
		case strings.HasPrefix(a, "--signal="):
			signal = strings.TrimPrefix(a, "--signal=")
		case strings.HasPrefix(a, "-") && len(a) > 1:
			if a != "-x" && a != "--exact" {
				signal = a[1:]
			}
		default:
			operands = append(operands, args[i])
		}
	}
	if !terminating(signal) || len(operands) != 1 {
		return "", false
	}
	if name != "kill" {
		return shell.WordText(operands[0]), full
	}
	// kill $(pidof NAME), kill "$(pgrep -f NAME)"
	parts := operands[0].Parts
	if len(parts) == 1 {
		if dq, ok := parts[0].(*syntax.DblQuoted); ok {
			parts = dq.Parts
		}
	}
	if len(parts) != 1 {
		return "", false
	}
	cs, ok := parts[0].(*syntax.CmdSubst)
	if !ok || len(cs.Stmts) != 1 {
		return "", false
	}
	inner, tool := shell.CallName(cs.Stmts[0])
	if inner == nil || (tool != "pidof" && tool != "pgrep") {
		return "", false
	}
	process, full = "", false
	for _, a := range inner.Args[1:] {
		switch w := shell.WordText(a); {
		case w == "-f":
			full = true
		case !strings.HasPrefix(w, "-"):
			process = w
		}
	}
	return process, full
}

// terminating reports whether a signal (as given to kill or pkill, without its dash) ends
// a process rather than asking it to reload.
func terminating(signal string) bool {
	switch strings.TrimPrefix(strings.ToUpper(signal), "SIG") {
	case "", "TERM", "15", "KILL", "9", "INT", "2", "QUIT", "3":
		return true
	}
	return false
}

// waitLoop returns the port that a loop polls until a sidecar answers: `until curl ...;
// do sleep 1; done`, `while ! wget ...`, `until nc -z localhost 5432`, whose body only waits.
func waitLoop(text string, st *syntax.Stmt) (port, path string, http bool) {
	loop, ok := st.Cmd.(*syntax.WhileClause)
	if !ok || len(loop.Cond) != 1 || len(st.Redirs) > 0 {
		return "", "", false
	}
	cond := loop.Cond[0]
	if loop.Until == cond.Negated {
		return "", "", false
	}
	for _, s := range loop.Do {
		if _, name := shell.CallName(s); name != "sleep" && name != "echo" && name != "printf" && !isTrue(s) {
			return "", "", false
		}
	}
	call, name := shell.CallName(cond)
	switch name {
	case "curl", "wget":
		if r := readRequest(call, name); r.nearMiss == "" && quietRedirs(cond) {
			return r.port, r.path, true
		}
		return "", "", false
	case "nc":
		host, port := "", ""
		for _, a := range call.Args[1:] {
			switch w := shell.WordText(a); {
			case w == "localhost" || w == "127.0.0.1":
				host = w
			case host != "" && w != "" && strings.Trim(w, "0123456789") == "":
				port = w
			}
		}
		return port, "", false
	}
	return "", "", false
}

// awaitCall returns the linkerd-await call of a statement that runs the app under
// linkerd-await --shutdown, or nil.
func awaitCall(st *syntax.Stmt) *syntax.CallExpr {
	call, name := shell.CallName(st)
	if name == "exec" && call != nil && len(call.Args) > 1 {
		name = path.Base(call.Args[1].Lit())
	}
	if name != "linkerd-await" {
		return nil
	}
	for _, a := range call.Args {
		switch shell.WordText(a) {
		case "--shutdown", "-S":
			return call
		case "--":
			return nil
		}
	}
	return nil
}

// execAwait finds linkerd-await --shutdown in an exec-form command.
func execAwait(app container) *appStop {
	words := commandWords(app.node)
	if len(seqItems(lookup(app.node, "command"))) == 0 || path.Base(words[0].Value) != "linkerd-await" {
		return nil
	}
	for _, w := range words {
		switch w.Value {
		case "--shutdown", "-S":
			return &appStop{app: app, hits: []hit{{kind: stopAwait, port: "4191"}}, what: "linkerd-await --shutdown"}
		case "--":
			return nil
		}
	}
	return nil
}

// commandWords returns the items of command and args, in order.
func commandWords(c *yaml.Node) []*yaml.Node {
	var words []*yaml.Node
	for _, key := range []string{"command", "args"} {
		words = append(words, seqItems(lookup(c, key))...)
	}
	return words
}

// resolve returns the containers of the pod (but the app) that a hit stops or waits for.
func (sc stopScan) resolve(app container, h hit) []container {
	var out []container
	for _, c := range sc.all {
		if c.node == app.node {
			continue
		}
		if (h.port != "" && listensOn(c, h.port)) || (h.process != "" && runsProcess(c, h.process, h.full)) {
			out = append(out, c)
		}
	}
	if h.process != "" && runsProcess(app, h.process, h.full) {
		return nil // the app may kill its own process: not a sidecar's stop
	}
	return out
}

// listensOn reports whether a container serves port: a well-known sidecar port, a
// containerPort, or a port in its flags (--admin-port=9091, --port 5432, =tcp:5432) or in
// the Cloud SQL proxy's CSQL_PROXY_ADMIN_PORT.
func listensOn(c container, port string) bool {
	if f := knownPorts[port]; f != nil && f(c) {
		return true
	}
	if isCloudSQLProxy(c) && c.env[adminPortEnv] == port {
		return true
	}
	for _, p := range seqItems(lookup(c.node, "ports")) {
		if scalar(p, "containerPort") == port {
			return true
		}
	}
	for i, w := range c.words {
		flag, value, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
		if !hasValue && i+1 < len(c.words) && strings.HasPrefix(w, "-") {
			value = c.words[i+1]
		}
		switch {
		case strings.HasSuffix(w, "tcp:"+port):
			return true
		case value == port && (flag == "admin-port" || flag == "http-port" || flag == "port"):
			return true
		case port == "9091" && flag == "quitquitquit" && isCloudSQLProxy(c):
			return true
		}
	}
	return false
}

// runsProcess reports whether a container's main process is known by name: its command's
// base name, the commands its script runs, its image's last path segment, the processes of
// a well-known image, its own name. full matches name anywhere in the command line.
func runsProcess(c container, name string, full bool) bool {
	if name == "" {
		return false
	}
	names := []string{c.name, path.Base(repository(c.image))}
	for repo, procs := range processAliases {
		if matchRepo(repository(c.image), repo) {
			names = append(names, procs...)
		}
	}
	if words := commandWords(c.node); len(words) > 0 {
		names = append(names, path.Base(words[0].Value))
	}
	if s := containerScript(c.node); s != nil && s.file != nil {
		for _, st := range s.file.Stmts {
			if call := shell.LeadingCall(st); call != nil {
				w := call.Args[0].Lit()
				if w == "exec" && len(call.Args) > 1 {
					w = call.Args[1].Lit()
				}
				names = append(names, path.Base(w))
			}
		}
	}
	for _, n := range names {
		if n == name || (full && strings.Contains(n, name)) {
			return true
		}
	}
	return full && strings.Contains(strings.Join(c.words, " "), name)
}

// statusVar returns X for the exit status bookkeeping `X=$?` or `X=$(echo $?)`, or "".
func statusVar(st *syntax.Stmt) string {
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) != 0 || len(call.Assigns) != 1 || call.Assigns[0].Value == nil {
		return ""
	}
	a := call.Assigns[0]
	switch v := strings.Trim(shell.Print(a.Value), `"`); v {
	case "$?", "$(echo $?)", "`echo $?`":
		return a.Name.Value
	}
	return ""
}

// exitVar returns X for `exit $X`, or "".
func exitVar(st *syntax.Stmt) string {
	call, name := shell.CallName(st)
	if name != "exit" || len(call.Args) != 2 {
		return ""
	}
	v := strings.Trim(shell.Print(call.Args[1]), `"`)
	if strings.HasPrefix(v, "${") && strings.HasSuffix(v, "}") {
		return v[2 : len(v)-1]
	}
	if strings.HasPrefix(v, "$") && syntax.ValidName(v[1:]) {
		return v[1:]
	}
	return ""
}

func isTrue(s *syntax.Stmt) bool {
	_, name := shell.CallName(s)
	return name == "true" || name == ":"
}
