package migrate

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Job workarounds that native sidecars make unnecessary (docs/native-sidecars.md). Each is
// removed only when its statements are identified exactly in a parsed script, or its fields
// in the manifest; anything unrecognised is reported and left.
var (
	ruleShutdownCall = Rule{ID: "hack-shutdown-call", Matches: "curl or wget of a sidecar's /quitquitquit or /shutdown endpoint on localhost", Summary: "The app stopped its proxy by hand; a native sidecar is stopped by the kubelet after the app."}
	ruleKubexit      = Rule{ID: "hack-kubexit", Matches: "the kubexit wrapper, KUBEXIT_* env, its graveyard volume and its copying init container", Summary: "kubexit tied container lifetimes together; native sidecars do that."}
	ruleKubexitBirth = Rule{ID: "kubexit-birth-deps", Matches: "KUBEXIT_BIRTH_DEPS", Summary: "kubexit waited for the dependency to be ready; a native sidecar is waited for only until started, unless it has a startupProbe."}
	ruleHackKept     = Rule{ID: "hack-not-removed", Matches: "a workaround that could not be removed safely", Summary: "Reported with the reason; the pod keeps its legacy layout where moving would change behaviour."}
	ruleKubexitDeath = Rule{ID: "behaviour-kubexit", Confidence: High, Evidence: true, Matches: "KUBEXIT_DEATH_DEPS in a run-to-completion pod", Summary: "kubexit stops this container when the app dies: it is a sidecar."}
	hackRules        = []Rule{ruleShutdownCall, ruleKubexit, ruleKubexitBirth, ruleHackKept, ruleKubexitDeath, ruleFlagFile, ruleFlagWatcher}
)

// shutdownURL matches the shutdown endpoints of the proxies on the loopback address.
var shutdownURL = regexp.MustCompile(`(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]):(15000|15020|9091|4191)/(quitquitquit|shutdown)`)

// shutdownTargets names, by port, which sidecar a shutdown call stops.
var shutdownTargets = map[string]func(container) bool{
	"15000": isIstioProxy, "15020": isIstioProxy,
	"9091": func(c container) bool {
		return repository(c.image) == "cloud-sql-connectors/cloud-sql-proxy" || c.name == "cloud-sql-proxy"
	},
	"4191": func(c container) bool {
		return c.name == "linkerd-proxy" || matchRepo(repository(c.image), "linkerd/proxy")
	},
}

func isIstioProxy(c container) bool {
	return c.name == "istio-proxy" || matchRepo(repository(c.image), "istio/proxyv2")
}

// removeHacks removes the app's calls to shut its sidecars down, for the sidecars that are
// native after the move: the init containers with restartPolicy Always (moved ones included).
func (m *migration) removeHacks(t podTemplate, containers []container, natives []container) {
	if m.opts.KeepHacks {
		return
	}
	for _, c := range containers {
		m.removeShutdownCalls(t, c, natives)
	}
	m.removeLinkerdAwaitShutdown(t, containers, natives)
}

// removeShutdownCalls removes the app's calls to a native sidecar's shutdown endpoint.
func (m *migration) removeShutdownCalls(t podTemplate, c container, natives []container) {
	s := containerScript(c.node)
	if s == nil || !shutdownURL.MatchString(s.node.Value) {
		return
	}
	if s.file == nil {
		m.report(ruleHackKept, Warning, t, s.node, c.name, "a shutdown call is in a script that does not parse; it is left as it is")
		return
	}
	text := s.node.Value
	var cuts []cut
	replaced := map[*syntax.Stmt]string{}
	for _, st := range s.file.Stmts {
		port, whole, keep := shutdownStmt(text, st)
		if port == "" {
			if shutdownURL.MatchString(text[st.Pos().Offset():st.End().Offset()]) {
				m.report(ruleHackKept, Warning, t, s.node, c.name, "a shutdown call inside %q is not a statement of its own (a folded scalar joins lines, or it is an argument); it is left as it is", firstLine(text[st.Pos().Offset():st.End().Offset()]))
			}
			continue
		}
		if !anyMatch(natives, shutdownTargets[port]) && !m.meshMadeNative(t, port) {
			m.report(ruleHackKept, Warning, t, s.node, c.name, "the call to port %s stops a proxy this manifest does not show as a native sidecar (injected at admission?); it is left as it is", port)
			continue
		}
		if whole {
			cuts = append(cuts, stmtCut(text, st))
			continue
		}
		// "app && curl ..." keeps "app".
		cuts = append(cuts, cut{from: int(keep.End().Offset()), to: int(st.End().Offset())})
		replaced[st] = printNode(keep)
	}
	if len(cuts) == 0 {
		return
	}
	out, err := applyCuts(text, s.file, cuts, replaced)
	if err != nil {
		m.report(ruleHackKept, Warning, t, s.node, c.name, "the shutdown call is left as it is: %v", err)
		return
	}
	if m.fix(ruleShutdownCall, t, s.node, c.name, "removed %d call(s) to a sidecar's shutdown endpoint: the kubelet stops native sidecars once the app has exited", len(cuts)) {
		s.node.Value = out
		m.workarounds += len(cuts)
	}
}

// shutdownStmt recognises a shutdown call: `curl ... URL`, `wget ... URL`, either followed by
// `|| true`, or as the last command of an `&&` chain (then keep is what stays). It returns the
// port, or "".
func shutdownStmt(text string, st *syntax.Stmt) (port string, whole bool, keep *syntax.Stmt) {
	isCall := func(s *syntax.Stmt) string {
		_, name := callName(s)
		if name != "curl" && name != "wget" {
			return ""
		}
		if m := shutdownURL.FindStringSubmatch(text[s.Pos().Offset():s.End().Offset()]); m != nil {
			return m[1]
		}
		return ""
	}
	if p := isCall(st); p != "" {
		return p, true, nil
	}
	// trap 'curl -X POST localhost:15020/quitquitquit' EXIT
	if call, name := callName(st); name == "trap" && len(call.Args) == 3 && call.Args[2].Lit() == "EXIT" {
		handler := unquote(text[call.Args[1].Pos().Offset():call.Args[1].End().Offset()])
		if f, err := parseShell(handler); err == nil && len(f.Stmts) == 1 {
			if port, whole, _ := shutdownStmt(handler, f.Stmts[0]); whole {
				return port, true, nil
			}
		}
	}
	if bin, ok := st.Cmd.(*syntax.BinaryCmd); ok {
		switch {
		case bin.Op == syntax.OrStmt && isTrue(bin.Y):
			if p := isCall(bin.X); p != "" {
				return p, true, nil
			}
		case bin.Op == syntax.AndStmt || bin.Op == syntax.OrStmt:
			if p := isCall(bin.Y); p != "" && bin.Op == syntax.AndStmt {
				return p, false, bin.X
			}
		}
	}
	return "", false, nil
}

// meshMadeNative reports whether the proxy a shutdown call on port stops is injected at
// admission and made native by --mesh-native for this pod template.
func (m *migration) meshMadeNative(t podTemplate, port string) bool {
	switch port {
	case "15000", "15020":
		return meshNativeOn(t, "istio")
	case "4191":
		return meshNativeOn(t, "linkerd")
	}
	return false
}

func isTrue(s *syntax.Stmt) bool {
	_, name := callName(s)
	return name == "true" || name == ":"
}

func anyMatch(list []container, f func(container) bool) bool {
	for _, c := range list {
		if f(c) {
			return true
		}
	}
	return false
}

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
	var cuts []cut
	replaced := map[*syntax.Stmt]string{}
	for _, st := range s.file.Stmts {
		call := leadingCall(st)
		if call == nil || path.Base(call.Args[0].Lit()) != "kubexit" {
			continue
		}
		if len(call.Args) < 2 {
			return "", errorf("kubexit without a command")
		}
		cuts = append(cuts, cut{from: int(call.Args[0].Pos().Offset()), to: int(call.Args[1].Pos().Offset())})
		args := call.Args
		call.Args = args[1:]
		replaced[st] = printNode(st)
		call.Args = args
	}
	out, err := applyCuts(s.node.Value, s.file, cuts, replaced)
	if err == nil && strings.Contains(out, "kubexit") {
		err = errorf("kubexit is used in a way this tool does not recognise")
	}
	return out, err
}

// leadingCall returns the simple command that a statement runs first, through && and ||.
func leadingCall(st *syntax.Stmt) *syntax.CallExpr {
	switch cmd := st.Cmd.(type) {
	case *syntax.CallExpr:
		if len(cmd.Args) > 0 {
			return cmd
		}
	case *syntax.BinaryCmd:
		return leadingCall(cmd.X)
	}
	return nil
}

// applyKubexit removes kubexit as planned: the wrappers, the KUBEXIT_* env vars, the graveyard
// volume and its mounts, and the init container that copies the kubexit binary with the
// volume it copies to.
func (m *migration) applyKubexit(t podTemplate, p kubexitPlan, all []container) {
	if !p.used {
		return
	}
	if p.problem != "" {
		m.report(ruleHackKept, Warning, t, t.spec, "", "kubexit is left in place: %s", p.problem)
		return
	}
	graveyards := map[string]bool{}
	removed := 0
	for _, c := range all {
		if g := c.env["KUBEXIT_GRAVEYARD"]; g != "" {
			graveyards[strings.TrimSuffix(g, "/")] = true
		}
		if deps := c.env["KUBEXIT_BIRTH_DEPS"]; deps != "" {
			m.report(ruleKubexitBirth, Warning, t, c.node, c.name, "KUBEXIT_BIRTH_DEPS waited until %s was ready; a native sidecar is waited for only until it has started, so give it a startupProbe (--startup-probe from-readiness copies its readinessProbe)", deps)
		}
	}
	if !m.fix(ruleKubexit, t, t.spec, "", "kubexit removed: native sidecars start before and stop after the app") {
		return
	}
	m.workarounds++
	for _, c := range all {
		if seq := kubexitCommand(c.node); seq != nil {
			seq.Content = seq.Content[1:]
		}
		removed += removeEnv(c.node, func(name string) bool { return strings.HasPrefix(name, "KUBEXIT_") })
	}
	for n, text := range p.scripts {
		n.Value = text
	}
	spec := t.spec
	binVolumes := map[string]bool{}
	if inits := lookup(spec, "initContainers"); inits != nil {
		for _, ic := range inits.Content {
			if strings.Contains(scalar(ic, "image"), "kubexit") {
				for _, vm := range seqItems(lookup(ic, "volumeMounts")) {
					binVolumes[scalar(vm, "name")] = true
				}
				inits.Content = removeNode(inits.Content, ic)
			}
		}
		if len(inits.Content) == 0 {
			deleteKey(spec, "initContainers")
		}
	}
	for _, vol := range seqItems(lookup(spec, "volumes")) {
		name := scalar(vol, "name")
		if binVolumes[name] || (lookup(vol, "emptyDir") != nil && mountedOnlyAt(spec, name, graveyards)) {
			removeVolume(spec, name)
		}
	}
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

// removeEnv removes the env entries whose name matches, dropping an emptied env list.
func removeEnv(c *yaml.Node, match func(string) bool) int {
	env := lookup(c, "env")
	n := 0
	for _, e := range seqItems(env) {
		if match(scalar(e, "name")) {
			env.Content = removeNode(env.Content, e)
			n++
		}
	}
	if env != nil && n > 0 && len(env.Content) == 0 {
		deleteKey(c, "env")
	}
	return n
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

// removeVolume removes a volume and every mount of it; emptied lists go with their key.
func removeVolume(spec *yaml.Node, name string) int {
	n := 0
	for _, list := range []string{"initContainers", "containers"} {
		for _, c := range seqItems(lookup(spec, list)) {
			mounts := lookup(c, "volumeMounts")
			for _, vm := range seqItems(mounts) {
				if scalar(vm, "name") == name {
					mounts.Content = removeNode(mounts.Content, vm)
					n++
				}
			}
			if mounts != nil && len(mounts.Content) == 0 {
				deleteKey(c, "volumeMounts")
			}
		}
	}
	vols := lookup(spec, "volumes")
	for _, v := range seqItems(vols) {
		if scalar(v, "name") == name {
			vols.Content = removeNode(vols.Content, v)
			n++
		}
	}
	if vols != nil && len(vols.Content) == 0 {
		deleteKey(spec, "volumes")
	}
	return n
}

// deleteKey removes a key and its value from a mapping.
func deleteKey(m *yaml.Node, key string) {
	if i := indexOfKey(m, key); i < len(m.Content) {
		m.Content = append(m.Content[:i], m.Content[i+2:]...)
	}
}
