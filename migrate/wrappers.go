package migrate

import (
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/internal/textedit"
	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Wrappers that run the app and stop its proxy when it ends: scuttle (redboxllc/scuttle)
// and envoy-preflight (monzo/envoy-preflight) wait until Envoy's admin API at
// ENVOY_ADMIN_API reports LIVE, run their arguments as the app, then POST /quitquitquit to
// Envoy (ENVOY_KILL_API) or to Istio's agent (ISTIO_QUIT_API), and exit with the app's
// status. Once the proxy is native and ready before the app starts, neither half is needed:
// the app's own program becomes the command again, the wrapper's env vars go, and so does the
// init container that installed the binary, with its volume, when nothing else uses it.
var (
	ruleEnvoyWrapper = Rule{ID: "hack-envoy-wrapper",
		Matches: "scuttle or envoy-preflight wrapping the app's command (exec form, or a statement of its script) in a run-to-completion pod",
		Summary: "Removed, with its env vars and the init container and volume that installed it, when every proxy it waits for and stops is native after the run and ready before the app (a startupProbe; Istio's injected native proxy has one); otherwise reported with what was seen."}
	ruleWrapperInstaller = Rule{ID: "hack-wrapper-installer",
		Matches: "an init container whose image is scuttle's or envoy-preflight's, installing the wrapper into an emptyDir",
		Summary: "Removed with its volume together with the wrapper it installed, when the volume serves nothing else."}
	_ = rule.Register(rule.Workaround, ruleEnvoyWrapper, ruleWrapperInstaller)
)

// wrapperEnv are the env vars the wrappers read; true when removing the wrapper is safe
// whatever the value (GENERIC_QUIT_ENDPOINTS calls arbitrary URLs, so it is not).
var wrapperEnv = map[string]bool{
	"ENVOY_ADMIN_API": true, "ISTIO_QUIT_API": true, "ENVOY_KILL_API": true,
	"NEVER_KILL_ISTIO": true, "NEVER_KILL_ISTIO_ON_FAILURE": true, "NEVER_KILL_ENVOY": true,
	"ALWAYS_KILL_ENVOY": true, "SCUTTLE_LOGGING": true, "START_WITHOUT_ENVOY": true,
	"WAIT_FOR_ENVOY_TIMEOUT": true, "QUIT_WITHOUT_ENVOY_TIMEOUT": true,
	"GENERIC_QUIT_ENDPOINTS": false,
}

func isWrapper(word string) bool {
	b := path.Base(word)
	return b == "scuttle" || b == "envoy-preflight"
}

// wrapped is one app run under a wrapper: the edits that unwrap it, or why they cannot.
type wrapped struct {
	app     container
	name    string // scuttle or envoy-preflight
	at      *yaml.Node
	stmt    string // the script's statement that runs it, printed; "" for an exec form
	word    string // the wrapper's word as written
	edits   []Edit
	problem string
	// what unwrapping leaves, for the proof that the installer's volume serves nothing else
	dropped *yaml.Node // the wrapper's item of command, in exec form
	script  *yaml.Node // the script that runs it, and its text once unwrapped
	text    string
}

// wrappers proposes to unwrap each app of a run-to-completion pod whose wrapper serves only
// native proxies, and reports the others.
func wrappers(m *migration, p *pod) []Proposal {
	t := p.t
	if m.opts.KeepHacks || !t.runToCompletion {
		return nil
	}
	var out []Proposal
	for _, app := range p.apps {
		w := unwrap(t, app)
		if w == nil {
			continue
		}
		if w.problem == "" {
			w.problem = m.wrapperStays(p, w)
		}
		if w.problem == "-" {
			continue // it only waits for a proxy that stays legacy: not a workaround of its end
		}
		if w.problem != "" {
			m.report(ruleHackKept, Warning, t, w.at, app.name, "%s is left in place: %s", w.name, w.problem)
			continue
		}
		edits := append(w.edits, envEdits(app, func(n string) bool { _, ok := wrapperEnv[n]; return ok })...)
		install, notes := installEdits(t, w)
		out = append(out, Proposal{Rule: ruleEnvoyWrapper, Container: app.name, Line: w.at.Line, Column: w.at.Column,
			Message: fmt.Sprintf("%s removed with its env vars: the proxy is native and ready before the app starts, and the kubelet stops it after; the app now runs without the wrapper that forwarded its signals, so a program that ignores SIGTERM as PID 1 ends at the grace period", w.name),
			Edits:   append(edits, install...), Also: notes, Workarounds: 1})
	}
	return out
}

// unwrap finds the wrapper of an app and the edits that take it out, or nil.
func unwrap(t podTemplate, app container) *wrapped {
	cmd := seqItems(lookup(app.node, "command"))
	if len(cmd) > 0 && isWrapper(cmd[0].Value) {
		w := &wrapped{app: app, name: path.Base(cmd[0].Value), at: cmd[0], word: cmd[0].Value, dropped: cmd[0]}
		args := seqItems(lookup(app.node, "args"))
		switch {
		case len(cmd) > 1:
			w.edits = []Edit{{Path: inContainer(app.name, key("command"), index(0)), Op: OpDelete}}
		case len(args) > 0:
			// the program moves from args to command, so the image's entrypoint stays unused
			w.edits = []Edit{{Path: inContainer(app.name, key("command"), index(0)), Op: OpSet, Value: args[0].Value, Style: args[0].Style, Tag: args[0].Tag, Restyle: true},
				{Path: inContainer(app.name, key("args"), index(0)), Op: OpDelete, Prune: true}}
		default:
			w.problem = "it has no command to run"
		}
		return w
	}
	s := containerScript(app.node)
	if s == nil || s.file == nil {
		return nil
	}
	return unwrapScript(t, app, s)
}

// unwrapScript finds a statement of a script that runs a command under a wrapper (`scuttle
// CMD...` or `exec scuttle CMD...`) and cuts the wrapper's word.
func unwrapScript(t podTemplate, app container, s *shellScript) *wrapped {
	var w *wrapped
	for _, st := range s.file.Stmts {
		syntax.Walk(st, func(n syntax.Node) bool {
			call, ok := n.(*syntax.CallExpr)
			if w != nil || !ok {
				return w == nil
			}
			at := 0
			if len(call.Args) > 1 && shell.WordText(call.Args[0]) == "exec" {
				at = 1
			}
			if at >= len(call.Args) || !isWrapper(shell.WordText(call.Args[at])) {
				return true
			}
			word := shell.WordText(call.Args[at])
			w = &wrapped{app: app, name: path.Base(word), at: s.node, stmt: shell.Print(st), word: word}
			if at+1 >= len(call.Args) {
				w.problem = "it has no command to run"
				return false
			}
			from, to := call.Args[at].Pos().Offset(), call.Args[at+1].Pos().Offset()
			w.edits = []Edit{edit(t, s.node, Edit{Op: OpText, Text: []textedit.Edit{{From: int(from), To: int(to)}}})}
			w.script, w.text = s.node, s.node.Value[:from]+s.node.Value[to:]
			return false
		})
	}
	return w
}

// wrapperRemovals adds to r, for the final check, the script statements whose wrapper word
// a proposal may cut and the init containers that installed a wrapper.
func wrapperRemovals(t podTemplate, all []container, r removals) {
	for _, c := range all {
		if s := containerScript(c.node); s != nil && s.file != nil {
			if w := unwrapScript(t, c, s); w != nil && w.stmt != "" {
				if r.stmts[c.name] == nil {
					r.stmts[c.name] = map[string]bool{}
				}
				r.stmts[c.name][w.stmt] = true
			}
		}
		if c.restartPolicy != "Always" && isWrapper(repository(c.image)) {
			r.containers[c.name] = true
		}
	}
}

// wrapperStays returns why a wrapper must stay, or "": every proxy it stops is native after
// the run and ready before the app, and all it reads is known.
func (m *migration) wrapperStays(p *pod, w *wrapped) string {
	c := w.app
	if lookup(c.node, "envFrom") != nil {
		return "the container takes env vars from envFrom, which may set what the wrapper reads; remove it by hand if its proxy is native"
	}
	var ports []string
	for _, e := range seqItems(lookup(c.node, "env")) {
		name := scalar(e, "name")
		safe, known := wrapperEnv[name]
		switch {
		case known && !safe:
			return fmt.Sprintf("%s names endpoints it calls after the app (%q), which may do more than stop a proxy", name, scalar(e, "value"))
		case known && lookup(e, "valueFrom") != nil:
			return name + " is set from valueFrom, which the manifest does not show"
		case name == "ENVOY_ADMIN_API" || name == "ISTIO_QUIT_API" || name == "ENVOY_KILL_API":
			u, err := url.Parse(scalar(e, "value"))
			if err != nil || u.Port() == "" || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost") {
				return fmt.Sprintf("%s is %q, not a loopback address with a port", name, scalar(e, "value"))
			}
			ports = append(ports, u.Port())
		}
		if known && mentionedOutside(c.node, name) {
			return name + " is read by the container's own command too"
		}
	}
	if len(ports) == 0 {
		return "no ENVOY_ADMIN_API in the container's env (an image may set it), so which proxy it stops cannot be read"
	}
	sort.Strings(ports)
	for _, port := range ports {
		if why, legacy := m.proxyReady(p, c, port); why != "" {
			if legacy && (c.env["NEVER_KILL_ISTIO"] == "true" || c.env["NEVER_KILL_ENVOY"] == "true") {
				return "-"
			}
			return why
		}
	}
	return ""
}

// proxyReady returns why the proxy behind a loopback port is not native and ready before the
// app, or ""; legacy says the proxy stays a legacy sidecar.
func (m *migration) proxyReady(p *pod, app container, port string) (why string, legacy bool) {
	for _, c := range p.all {
		if c.node == app.node || !listensOn(c, port) {
			continue
		}
		switch {
		case !containsNode(p.natives, c.node):
			return fmt.Sprintf("it stops %s (port %s), which stays a legacy sidecar", c.name, port), true
		case lookup(c.node, "startupProbe") == nil:
			return fmt.Sprintf("it waits until %s (port %s) is live, and %s has no startupProbe, so the app could start first; give it one (--startup-probe %s copies its readinessProbe) and run again", c.name, port, c.name, StartupFromReadiness), false
		}
		return "", false
	}
	switch port {
	case "15000", "15020":
		if meshNativeOn(p.t, "istio") {
			return "", false // Istio injects its proxy with a startupProbe (global.proxy.startupProbe.enabled, on by default)
		}
		return fmt.Sprintf("it stops the Istio proxy (port %s), which Istio injects at admission as a legacy sidecar; --mesh-native istio adds sidecar.istio.io/nativeSidecar: \"true\", and the wrapper then goes", port), true
	}
	return fmt.Sprintf("no container of the pod serves port %s", port), false
}

// mentionedOutside reports whether a container mentions name anywhere but an env entry's name.
func mentionedOutside(c *yaml.Node, name string) bool {
	n := 0
	walkScalars(c, func(s *yaml.Node) {
		if strings.Contains(s.Value, name) {
			n++
		}
	})
	own := 0
	for _, e := range seqItems(lookup(c, "env")) {
		if scalar(e, "name") == name {
			own++
		}
	}
	return n > own
}

// installEdits deletes the init containers that only installed the wrapper of w (their image
// is the wrapper's) and their emptyDir volumes, when the volume proof (volumeproof.go) shows
// that nothing but the wrapper used them once it is unwrapped. An installer whose volume
// serves more stays, with a note that says why.
func installEdits(t podTemplate, w *wrapped) ([]Edit, []Note) {
	var edits []Edit
	var notes []Note
	for _, ic := range seqItems(lookup(t.spec, "initContainers")) {
		if scalar(ic, "restartPolicy") == "Always" || !isWrapper(repository(scalar(ic, "image"))) {
			continue
		}
		var vols []Edit
		var kept *Note
		for _, vm := range seqItems(lookup(ic, "volumeMounts")) {
			name := scalar(vm, "name")
			if kept == nil {
				kept = installVolumeKept(t.spec, name, ic, w)
			}
			vols = append(vols, volumeEdits(t.spec, name)...)
		}
		if kept != nil {
			kept.Message = fmt.Sprintf("the init container %s that installed %s stays: %s", scalar(ic, "name"), w.name, kept.Message)
			notes = append(notes, *kept)
			continue
		}
		edits = append(edits, edit(t, ic, Edit{Op: OpDelete, Prune: true}))
		edits = append(edits, vols...)
		notes = append(notes, Note{Rule: ruleWrapperInstaller, Severity: Info, Fixed: true, Container: scalar(ic, "name"), Line: ic.Line, Column: ic.Column,
			Message: fmt.Sprintf("removed with its volume: it only installed %s for container %s", w.name, w.app.name)})
	}
	return edits, notes
}

// installVolumeKept returns why volume name, which installer ic mounts, must stay once w is
// unwrapped, or nil: an emptyDir that nothing but the wrapper uses.
func installVolumeKept(spec *yaml.Node, name string, ic *yaml.Node, w *wrapped) *Note {
	for _, v := range seqItems(lookup(spec, "volumes")) {
		if scalar(v, "name") == name && lookup(v, "emptyDir") == nil {
			return &Note{Rule: ruleWrapperInstaller, Severity: Info, Container: scalar(ic, "name"), Line: v.Line, Column: v.Column,
				Message: "the volume " + name + " is not an emptyDir, so what it holds outlives the pod"}
		}
	}
	proof := newVolumeProof(w.name)
	proof.dropped[ic] = true
	proof.took[w.app.node] = true
	if w.dropped != nil {
		proof.dropped[w.dropped] = true
	}
	if w.script != nil {
		proof.planned[w.script] = w.text
	}
	return proof.kept(ruleWrapperInstaller, spec, name)
}
