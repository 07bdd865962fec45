package migrate

import (
	"fmt"
	"path"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/internal/textedit"
	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Job workarounds that native sidecars make unnecessary (docs/native-sidecars.md). Each is
// removed only when its statements are identified exactly in a parsed script, or its fields
// in the manifest; anything unrecognised is reported and left.
var (
	ruleKubexit      = Rule{ID: "hack-kubexit", Matches: "the kubexit wrapper, KUBEXIT_* env, its graveyard volume and its copying init container", Summary: "kubexit tied container lifetimes together; native sidecars do that."}
	ruleKubexitBirth = Rule{ID: "kubexit-birth-deps", Matches: "KUBEXIT_BIRTH_DEPS", Summary: "kubexit waited for the dependency to be ready; a native sidecar is waited for only until started, unless it has a startupProbe."}
	ruleHackKept     = Rule{ID: "hack-not-removed", Matches: "a workaround that could not be removed safely", Summary: "Reported with the reason; the pod keeps its legacy layout where moving would change behaviour."}
	ruleKubexitDeath = Rule{ID: "behaviour-kubexit", Confidence: High, Matches: "KUBEXIT_DEATH_DEPS in a run-to-completion pod", Summary: "kubexit stops this container when the app dies: it is a sidecar."}
	ruleExitStatus   = Rule{ID: "hack-exit-status", Matches: "a removed workaround that was the last statement of the app's script", Summary: "The script's exit status now comes from the statement before it: a failure that the workaround hid now fails the container, and the Job."}
	_                = rule.Register(rule.Workaround, ruleShutdownCall, ruleKillSidecar, ruleAwaitShutdown, ruleWaitLoop, ruleProcessNamespace, ruleKubexit, ruleKubexitBirth, ruleHackKept, ruleExitStatus, ruleFlagFile, ruleSelfTerminating, ruleController, ruleFinalCheck)
	_                = rule.Register(rule.Evidence, ruleKubexitDeath, ruleFlagWatcher, ruleStoppedByApp)
)

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return s
}

// kubexitPlan is the removal of kubexit from one pod, decided before anything moves: a
// sidecar that kubexit stops is moved only if kubexit can be removed from the whole pod.
type kubexitPlan struct {
	used    bool
	problem string                // why kubexit cannot be removed, or ""
	scripts map[*yaml.Node]string // script scalar -> the script without the wrapper
}

// planKubexit finds kubexit in a pod and works out its removal without editing anything.
func planKubexit(all []container) kubexitPlan {
	p := kubexitPlan{scripts: map[*yaml.Node]string{}}
	for _, c := range all {
		_, named := c.env["KUBEXIT_NAME"]
		if named || kubexitCommand(c.node) != nil {
			p.used = true
		}
		if why := kubexitEnvUnseen(c); why != "" && (named || kubexitCommand(c.node) != nil) {
			p.problem = why
		}
		if kubexitCommand(c.node) != nil {
			continue
		}
		s := containerScript(c.node)
		if s == nil || !strings.Contains(s.node.Value, "kubexit") {
			if named {
				p.problem = "container " + c.name + " has KUBEXIT_NAME but no kubexit wrapper this tool can see"
			}
			continue
		}
		if s.file == nil {
			p.problem = "the script of container " + c.name + " does not parse"
			continue
		}
		out, err := stripKubexit(s)
		if err != nil {
			p.problem = "in container " + c.name + ": " + err.Error()
			continue
		}
		p.scripts[s.node] = out
	}
	return p
}

// stripKubexit returns the script without "kubexit " in front of its statements (also as the
// first command of an && or || list).
func stripKubexit(s *shellScript) (string, error) {
	var cuts []shell.Cut
	replaced := map[*syntax.Stmt]string{}
	for _, st := range s.file.Stmts {
		call := shell.LeadingCall(st)
		if call == nil || path.Base(call.Args[0].Lit()) != "kubexit" {
			continue
		}
		if len(call.Args) < 2 {
			return "", errorf("kubexit without a command")
		}
		cuts = append(cuts, shell.Cut{From: int(call.Args[0].Pos().Offset()), To: int(call.Args[1].Pos().Offset())})
		args := call.Args
		call.Args = args[1:]
		replaced[st] = shell.Print(st)
		call.Args = args
	}
	out, err := applyCuts(s.node.Value, s.file, cuts, replaced)
	if err == nil && strings.Contains(strings.ToLower(out), "kubexit") { // KUBEXIT_* set in the script too
		err = errorf("kubexit is used in a way this tool does not recognise")
	}
	return out, err
}

// kubexitFamily proposes to remove kubexit as planned (m.kubexit): the wrappers, the
// KUBEXIT_* env vars, the graveyard volume and its mounts, and the init container that
// copies the kubexit binary with the volume it copies to.
func kubexitFamily(m *migration, p *pod) []Proposal {
	k, t := m.kubexit, p.t
	if m.opts.KeepHacks || !k.used {
		return nil
	}
	if k.problem != "" {
		m.report(ruleHackKept, Warning, t, t.spec, "", "kubexit is left in place: %s", k.problem)
		return nil
	}
	graveyards := map[string]bool{}
	var edits []Edit
	var stopped []string
	proof := newVolumeProof("kubexit")
	for _, c := range p.all {
		if g := c.env["KUBEXIT_GRAVEYARD"]; g != "" {
			graveyards[strings.TrimSuffix(g, "/")] = true
		}
		if deps := c.env["KUBEXIT_BIRTH_DEPS"]; deps != "" && !m.readyFirst(p.all, deps) {
			m.report(ruleKubexitBirth, Warning, t, c.node, c.name, "KUBEXIT_BIRTH_DEPS waited until %s was ready; a native sidecar is waited for only until it has started, so give it a startupProbe (--startup-probe from-readiness copies its readinessProbe)", deps)
		}
		if _, ok := c.env["KUBEXIT_DEATH_DEPS"]; ok {
			stopped = append(stopped, c.name)
		}
		if cmd := kubexitCommand(c.node); cmd != nil {
			edits = append(edits, Edit{Path: inContainer(c.name, key("command"), index(0)), Op: OpDelete})
			proof.dropped[cmd.Content[0]] = true
			proof.took[c.node] = true
		}
		if _, named := c.env["KUBEXIT_NAME"]; named {
			proof.took[c.node] = true
		}
		isKubexit := func(name string) bool { return strings.HasPrefix(name, "KUBEXIT_") }
		edits = append(edits, envEdits(c, isKubexit)...)
		for _, e := range seqItems(lookup(c.node, "env")) {
			if isKubexit(scalar(e, "name")) {
				proof.dropped[e] = true
			}
		}
	}
	for n, text := range k.scripts {
		edits = append(edits, edit(t, n, Edit{Op: OpText, Text: []textedit.Edit{textChange(n.Value, text)}}))
		proof.planned[n] = text
	}
	vols, also := kubexitVolumes(t, proof, graveyards)
	edits = append(edits, vols...)
	return []Proposal{{Rule: ruleKubexit, Line: t.spec.Line, Column: t.spec.Column,
		Message: "kubexit removed: native sidecars start before and stop after the app", Edits: edits, Also: also,
		Releases: Releases{Containers: stopped}, Workarounds: 1}}
}

// kubexitVolumes returns the edits that delete the init containers that install kubexit,
// the volume they install it to and the graveyard emptyDir, with their mounts, when proof
// shows that nothing else uses them; a kept volume keeps its installer, and a note says why.
func kubexitVolumes(t podTemplate, proof volumeProof, graveyards map[string]bool) ([]Edit, []Note) {
	installs := map[string][]*yaml.Node{} // volume -> the installers that mount it
	var installers []*yaml.Node
	for _, ic := range seqItems(lookup(t.spec, "initContainers")) {
		if kubexitInstaller(ic) {
			installers = append(installers, ic)
			proof.dropped[ic] = true
			for _, vm := range seqItems(lookup(ic, "volumeMounts")) {
				installs[scalar(vm, "name")] = append(installs[scalar(vm, "name")], ic)
			}
		}
	}
	var edits []Edit
	var notes []Note
	kept := map[*yaml.Node]bool{}
	for _, vol := range seqItems(lookup(t.spec, "volumes")) {
		name := scalar(vol, "name")
		if installs[name] == nil && (lookup(vol, "emptyDir") == nil || !mountedOnlyAt(t.spec, name, graveyards)) {
			continue
		}
		if note := proof.kept(ruleKubexit, t.spec, name); note != nil {
			for _, ic := range installs[name] {
				kept[ic] = true
				note.Message += "; the init container " + scalar(ic, "name") + " that installs kubexit there stays with it"
			}
			notes = append(notes, *note)
			continue
		}
		edits = append(edits, volumeEdits(t.spec, name)...)
	}
	for _, ic := range installers {
		if !kept[ic] {
			edits = append(edits, edit(t, ic, Edit{Op: OpDelete, Prune: true}))
		}
	}
	return edits, notes
}

// readyFirst reports whether every container named in deps (comma-separated) is ready
// before the app starts once native: it has a startupProbe, it has no readinessProbe (it is
// ready once started), or it gets a startupProbe from its readinessProbe
// (--startup-probe from-readiness).
func (m *migration) readyFirst(all []container, deps string) bool {
	for _, name := range strings.Split(deps, ",") {
		ready := false
		for _, c := range all {
			if c.name == strings.TrimSpace(name) {
				// Without a readinessProbe a container is ready once started.
				ready = lookup(c.node, "startupProbe") != nil || lookup(c.node, "readinessProbe") == nil || m.opts.StartupProbe == StartupFromReadiness
			}
		}
		if !ready {
			return false
		}
	}
	return true
}

// kubexitCommand returns the command sequence when it starts with the kubexit wrapper.
func kubexitCommand(c *yaml.Node) *yaml.Node {
	seq := lookup(c, "command")
	if seq == nil || seq.Kind != yaml.SequenceNode || len(seq.Content) < 2 || path.Base(seq.Content[0].Value) != "kubexit" {
		return nil
	}
	return seq
}

func seqItems(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// envEdits deletes the env entries of a container whose name matches, and an emptied env
// list with them.
func envEdits(c container, match func(string) bool) []Edit {
	var edits []Edit
	for i, e := range seqItems(lookup(c.node, "env")) {
		if match(scalar(e, "name")) {
			edits = append(edits, Edit{Path: inContainer(c.name, key("env"), index(i)), Op: OpDelete, Prune: true})
		}
	}
	return edits
}

// mountedOnlyAt reports whether volume name is mounted somewhere, and only at the paths given.
func mountedOnlyAt(spec *yaml.Node, name string, paths map[string]bool) bool {
	found := false
	for _, list := range []string{"initContainers", "containers"} {
		for _, c := range seqItems(lookup(spec, list)) {
			for _, vm := range seqItems(lookup(c, "volumeMounts")) {
				if scalar(vm, "name") == name {
					if !paths[strings.TrimSuffix(scalar(vm, "mountPath"), "/")] && !paths[scalar(vm, "mountPath")] {
						return false
					}
					found = true
				}
			}
		}
	}
	return found
}

// volumeEdits deletes a volume and every mount of it; emptied lists go with their key.
func volumeEdits(spec *yaml.Node, name string) []Edit {
	var edits []Edit
	for _, list := range []string{"initContainers", "containers"} {
		for _, c := range seqItems(lookup(spec, list)) {
			for i, vm := range seqItems(lookup(c, "volumeMounts")) {
				if scalar(vm, "name") == name {
					edits = append(edits, Edit{Path: inContainer(scalar(c, "name"), key("volumeMounts"), index(i)), Op: OpDelete, Prune: true})
				}
			}
		}
	}
	for i, v := range seqItems(lookup(spec, "volumes")) {
		if scalar(v, "name") == name {
			edits = append(edits, Edit{Path: inSpec(key("volumes"), index(i)), Op: OpDelete, Prune: true})
		}
	}
	return edits
}

// birthDepStays says why removing kubexit would let a container start before a container it
// waits for (KUBEXIT_BIRTH_DEPS), or "": each dependency must be a native sidecar once the
// pod is migrated, placed before the container that waits for it, since only then does the
// kubelet start it first.
func birthDepStays(all, inits, moving []container, placement Placement) string {
	sidecars := append([]container{}, inits...)
	if placement == BeforeInit {
		sidecars = append(append([]container{}, moving...), inits...)
	} else {
		sidecars = append(sidecars, moving...)
	}
	moved := map[string]bool{}
	for _, c := range moving {
		moved[c.name] = true
	}
	position := map[string]int{} // the place among the native sidecars; absent: regular
	for i, c := range sidecars {
		if moved[c.name] || scalar(c.node, "restartPolicy") == "Always" {
			position[c.name] = i
		}
	}
	for _, c := range all {
		for _, dep := range strings.Split(c.env["KUBEXIT_BIRTH_DEPS"], ",") {
			dep = strings.TrimSpace(dep)
			if dep == "" {
				continue
			}
			at, native := position[dep]
			mine, waiterNative := position[c.name]
			switch {
			case !native && !hasContainer(all, dep):
				return "container " + c.name + " waits for " + dep + " with KUBEXIT_BIRTH_DEPS, and the pod has no container " + dep
			case !native:
				return "container " + c.name + " waits for " + dep + " with KUBEXIT_BIRTH_DEPS, and " + dep + " does not become a native sidecar, so nothing else would make it start first"
			case waiterNative && mine < at:
				return "container " + c.name + " waits for " + dep + " with KUBEXIT_BIRTH_DEPS, and as native sidecars " + c.name + " would start first"
			}
		}
	}
	return ""
}

func hasContainer(all []container, name string) bool {
	for _, c := range all {
		if c.name == name {
			return true
		}
	}
	return false
}

// kubexitInstaller reports whether init container c only installs kubexit: a kubexit image
// whose command copies the kubexit binary (cp or install, as the command or in its script)
// to a volume it mounts. Any other init container of such an image may do real work.
func kubexitInstaller(c *yaml.Node) bool {
	words := wordValues(commandWords(c))
	if !strings.Contains(scalar(c, "image"), "kubexit") || scalar(c, "restartPolicy") == "Always" || lookup(c, "volumeMounts") == nil || len(words) == 0 {
		return false
	}
	if s := containerScript(c); s != nil {
		if s.file == nil || len(s.file.Stmts) != 1 {
			return false
		}
		// One plain command: `cp /kubexit /kx/ && /app/migrate` does more than install.
		call, _ := shell.CallName(s.file.Stmts[0])
		if call == nil {
			return false
		}
		words = nil
		for _, a := range call.Args {
			words = append(words, shell.WordText(a))
		}
	}
	return copiesKubexit(words)
}

// copiesKubexit reports whether a command is a copy of the kubexit binary.
func copiesKubexit(words []string) bool {
	if len(words) < 3 || (path.Base(words[0]) != "cp" && path.Base(words[0]) != "install") {
		return false
	}
	for _, w := range words[1:] {
		if path.Base(w) == "kubexit" {
			return true
		}
	}
	return false
}

// kubexitEnvUnseen says why the kubexit settings of c may not be what the manifest shows
// (its dependencies from valueFrom, or envFrom, which may set any), or "".
func kubexitEnvUnseen(c container) string {
	if lookup(c.node, "envFrom") != nil {
		return "container " + c.name + " takes env from envFrom, which may set KUBEXIT_* (its dependencies) where this manifest does not show them"
	}
	for _, e := range seqItems(lookup(c.node, "env")) {
		if n := scalar(e, "name"); (n == "KUBEXIT_BIRTH_DEPS" || n == "KUBEXIT_DEATH_DEPS") && lookup(e, "valueFrom") != nil {
			return "container " + c.name + " takes " + scalar(e, "name") + " from valueFrom, which this manifest does not show"
		}
	}
	return ""
}
