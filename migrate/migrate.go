package migrate

import (
	"fmt"
	"path"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Result is what Migrate decided for one document.
type Result struct {
	Findings []Finding
	// Ignored are the findings that an ignore annotation silenced, each with its reason: they
	// neither count nor fix, and are shown only on request (report --show-ignored).
	Ignored []Finding
	Stats   Stats
	Moved   []MovedContainer // the containers moved to initContainers, in order
	Moves   []Move           // how each pod template that changed was rearranged
}

// Stats counts what a migration did.
type Stats struct {
	Workloads   int // pod templates looked at
	Sidecars    int // containers moved to initContainers
	Workarounds int // Job workarounds removed
}

// Add adds the counts of o to s.
func (s *Stats) Add(o Stats) {
	s.Workloads += o.Workloads
	s.Sidecars += o.Sidecars
	s.Workarounds += o.Workarounds
}

// Changed reports whether the migration edited the document.
func (r Result) Changed() bool {
	for _, f := range r.Findings {
		if f.Fixed {
			return true
		}
	}
	return false
}

// Failed reports whether a finding is an error: the document could not be migrated safely
// and callers must not write it.
func (r Result) Failed() bool {
	for _, f := range r.Findings {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// Migrate moves the legacy sidecars of every pod template in doc (one Kubernetes object, or
// a List of them) into initContainers with restartPolicy: Always, editing doc in place. Nodes
// that do not change keep their identity, so a caller can tell what moved. Migrate never
// edits a document that has an error finding. It is Decide, then Apply.
func Migrate(doc *yaml.RNode, opts Options) Result {
	d := Decide(doc, opts)
	d.Apply(doc)
	return d.Result
}

// migration carries the state of one Migrate call.
type migration struct {
	opts        Options
	catalogue   catalogue
	findings    []Finding
	movedList   []MovedContainer
	moves       []Move
	workarounds int
	// runToCompletion is set while a Job-like pod template is migrated: behaviour evidence
	// (kubexit death dependencies) counts only there.
	runToCompletion bool
	flags           *flagPlan             // the exit-flag workaround of the current pod, if any
	kubexit         kubexitPlan           // the removal of kubexit from the current pod
	stopped         map[*yaml.Node]string // containers the app stops, in a run-to-completion pod
	policyHeld      map[*yaml.Node]bool   // sidecars of the current pod kept for their restart settings
	// terminatorListed maps the containers a sidecar-terminator annotation lists to it.
	terminatorListed map[string]string
	ignored          map[string]string // rule ids silenced on the current workload, with their reasons
	silenced         []Finding         // what the ignores of the workloads silenced
	pod              podContext        // the current pod's containers, for evidence from context
	// held are the containers of the current pod that the lifetime gate did not prove, by
	// name; natived the containers this migration made native, in order.
	held    map[string]*unproven
	natived []*yaml.Node
	// origin maps the nodes being edited to the document's own (decision.go).
	origin *origins
	// controllers are the containers that looked like sidecars but stop others.
	controllers map[*yaml.Node]bool
	// quitCallers counts the calls to /quitquitquit in the current pod as it was read.
	quitCallers int
	// linkerdCallers counts the callers of Linkerd's /shutdown, as read (shutdownswitch.go).
	linkerdCallers int
	// aliases are the document's aliases by anchor name: no edit may touch what they use.
	aliases aliasIndex
	refused *[]Finding // the edits refused for an anchor, over the gate's rounds (settle)
}

// off reports whether a rule is disabled in the options or ignored on the current workload.
func (m *migration) off(id string) bool { return m.opts.disabled(id) || m.ignored[id] != "" }

// container is the part of a container entry that detection reads.
type container struct {
	node          *yaml.Node
	name          string
	image         string
	repo          string   // repository(image), read once: every image rule matches on it
	words         []string // command and args split on white space, shell scripts included
	env           map[string]string
	restartPolicy string
}

func readContainer(n *yaml.Node) container {
	c := container{node: n, name: scalar(n, "name"), image: scalar(n, "image"), restartPolicy: scalar(n, "restartPolicy")}
	c.repo = repository(c.image)
	words := commandWords(n)
	if plainEnv(n, words) {
		// No $ to expand: the env is read as written (a read costs one map, sized).
		env := seqItems(lookup(n, "env"))
		c.env = make(map[string]string, len(env))
		for _, e := range env {
			v := ""
			if lookup(e, "valueFrom") == nil {
				v = scalar(e, "value")
			}
			c.env[scalar(e, "name")] = v
		}
		for _, w := range words {
			c.words = append(c.words, strings.Fields(w.Value)...)
		}
		return c
	}
	// Read as the kubelet runs it: $(VAR) expanded from the container's env (kubeexpand.go).
	vars, envFrom := kubeVars(n)
	shell := shellAt(words) >= 0
	for _, w := range words {
		v, _ := expandKube(w.Value, vars, envFrom)
		if shell { // and the shell expands $NAME and ${NAME}
			v = expandShellVars(v, vars)
		}
		c.words = append(c.words, strings.Fields(v)...)
	}
	c.env = make(map[string]string, len(vars))
	for name, v := range vars {
		c.env[name] = v.value
	}
	return c
}

// plainEnv reports whether neither the command words nor the env values of container n
// hold a $, so that nothing in them expands.
func plainEnv(n *yaml.Node, words []*yaml.Node) bool {
	for _, w := range words {
		if strings.Contains(w.Value, "$") {
			return false
		}
	}
	for _, e := range seqItems(lookup(n, "env")) {
		if strings.Contains(scalar(e, "value"), "$") {
			return false
		}
	}
	return true
}

// hasWord reports whether w is one of the words of the command line, as is or as the base
// name of a path.
func (c container) hasWord(w string) bool {
	for _, x := range c.words {
		if x == w || path.Base(x) == w {
			return true
		}
	}
	return false
}

// oneShot returns why the container plainly runs once and exits, or "": a one-shot word on
// any command line, what makes its catalogued program exit (builtinRunsOnce), or an argument
// on which any program exits (argumentEnds).
func (c container) oneShot() string {
	for i, w := range c.words {
		flag, value, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
		on := !hasValue || boolTrue(value)
		switch {
		case w == "--mode=validate" || (w == "--mode" && i+1 < len(c.words) && c.words[i+1] == "validate"):
			return "it runs in validate mode"
		case flag == "exit-after-auth" && on:
			return "it exits after authenticating (-exit-after-auth)"
		case flag == "one-time" && on:
			return "it syncs once (--one-time)"
		case w == "migrate" || w == "backup" || w == "restore" || w == "db:migrate":
			return fmt.Sprintf("its command runs %q", w)
		}
	}
	for _, k := range []string{"GITSYNC_ONE_TIME", "GIT_SYNC_ONE_TIME"} {
		if boolTrue(c.env[k]) {
			return "it syncs once (" + k + ")"
		}
	}
	if why := c.programRunsOnce(); why != "" {
		return why
	}
	if prog, with := programArgumentEnds(c.node); with != "" {
		return prog + " runs once with " + with
	}
	return ""
}

// followsFile reports whether the command streams a file with tail -f or -F.
func (c container) followsFile() bool {
	for i, w := range c.words {
		if path.Base(w) != "tail" {
			continue
		}
		for _, flag := range c.words[i+1:] {
			if strings.HasPrefix(flag, "--follow") || (strings.HasPrefix(flag, "-") && !strings.HasPrefix(flag, "--") && strings.ContainsAny(flag, "fF")) {
				return true
			}
		}
	}
	return false
}

// neverExits reports whether the command plainly runs forever.
func (c container) neverExits() bool {
	if c.followsFile() {
		return true
	}
	for i, w := range c.words {
		if path.Base(w) == "sleep" && i+1 < len(c.words) && c.words[i+1] == "infinity" {
			return true
		}
	}
	return false
}

// hasAlias reports whether n holds an alias or a merge key anywhere. Such a container is
// not moved: above its anchor's definition the alias would be undefined.
func hasAlias(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return true
	}
	for _, c := range n.Content {
		if hasAlias(c) {
			return true
		}
	}
	return false
}

// evidence is why a container is thought to be a sidecar.
type evidence struct {
	rule   Rule
	reason string
}

// evidenceFor returns the strongest evidence that c is a sidecar, or ok false.
func (m *migration) evidenceFor(c container, listed map[string]bool) (evidence, bool) {
	var found []evidence
	if listed[c.name] {
		found = append(found, evidence{ruleAnnotationSidecars, "listed in " + AnnotationSidecars})
	}
	if c.restartPolicy == "Always" {
		found = append(found, evidence{ruleRestartPolicy, "it already carries restartPolicy: Always"})
	}
	for _, r := range m.catalogue.images {
		if r.match(c) && (!r.needsApp || m.besideApp(c)) {
			found = append(found, evidence{r.Rule, "image " + repository(c.image) + ": " + strings.TrimSuffix(r.Summary, ".")})
			break
		}
	}
	for _, r := range m.catalogue.names {
		if r.match(c.name) {
			found = append(found, evidence{r.Rule, "name " + c.name + ": " + strings.TrimSuffix(r.Summary, ".")})
			break
		}
	}
	if c.followsFile() {
		found = append(found, evidence{ruleTailFollow, "it streams a file with tail"})
	}
	if hasKruiseEnv(c) {
		found = append(found, evidence{ruleKruise, "OpenKruise stops it when the Job's app exits"})
	}
	if m.flags != nil && m.flags.watchers[c.node] {
		found = append(found, evidence{ruleFlagWatcher, "it stops itself when " + m.flags.flag + " appears"})
	}
	if deps := c.env["KUBEXIT_DEATH_DEPS"]; deps != "" && m.runToCompletion {
		found = append(found, evidence{ruleKubexitDeath, "kubexit stops it when " + deps + " exits"})
	}
	if key := m.terminatorListed[c.name]; key != "" {
		found = append(found, evidence{ruleTerminatorAnnotation, "listed in " + key})
	}
	if what := m.stopped[c.node]; what != "" {
		found = append(found, evidence{ruleStoppedByApp, "the app stops it: " + what})
	}
	best, ok := evidence{}, false
	for _, e := range found {
		if m.off(e.rule.ID) {
			continue
		}
		if !ok || e.rule.Confidence > best.rule.Confidence {
			best, ok = e, true
		}
	}
	return best, ok
}

// report records a finding unless its rule is disabled.
func (m *migration) report(rule Rule, sev Severity, t podTemplate, at *yaml.Node, c string, format string, args ...any) {
	m.record(false, rule, sev, t, at, c, format, args...)
}

// fix records an info finding for a change and reports whether the change may be made: a
// disabled rule neither reports nor fixes.
func (m *migration) fix(rule Rule, t podTemplate, at *yaml.Node, c string, format string, args ...any) bool {
	return m.record(true, rule, Info, t, at, c, format, args...)
}

func (m *migration) record(fixed bool, rule Rule, sev Severity, t podTemplate, at *yaml.Node, c string, format string, args ...any) bool {
	if m.opts.disabled(rule.ID) {
		return false
	}
	field := t.path
	if c != "" {
		list := "containers"
		if !listHas(lookup(t.spec, "containers"), c) && listHas(lookup(t.spec, "initContainers"), c) {
			list = "initContainers"
		}
		field += "." + list + "[name=" + c + "]"
	}
	f := Finding{Rule: rule.ID, Severity: sev, Line: at.Line, Column: at.Column,
		Resource: t.resource, Container: c, Field: field, Message: fmt.Sprintf(format, args...), Fixed: fixed}
	if reason := m.ignored[rule.ID]; reason != "" {
		f.Ignored = reason
		if fixed {
			f.Message, f.Fixed = "not done: "+f.Message, false
		}
		m.silenced = append(m.silenced, f)
		return false
	}
	m.findings = append(m.findings, f)
	return true
}

// template migrates one pod template.
func (m *migration) template(t podTemplate) {
	m.runToCompletion = t.runToCompletion
	if !m.readIgnores(t) {
		return
	}
	if m.opts.skipped(t.resource) {
		return // the caller that asked says why
	}
	if v, _ := t.annotation(AnnotationSkip); v == "true" {
		m.report(ruleSkip, Info, t, t.spec, "", "left alone: %s is \"true\"", AnnotationSkip)
		return
	}
	containersNode := lookup(t.spec, "containers")
	initNode := lookup(t.spec, "initContainers")
	containers, ok := m.readList(t, containersNode, "containers")
	inits, ok2 := m.readList(t, initNode, "initContainers")
	if !ok || !ok2 || !m.uniqueNames(t, containers, inits) {
		return
	}
	listed, kept := t.annotationList(AnnotationSidecars), t.annotationList(AnnotationKeep)
	m.pod = newPodContext(t, containers)
	m.meshNative(t)
	m.checkInit(t, inits, listed)

	all := append(append([]container{}, containers...), inits...)
	f := m.planPod(t, containers, inits, all, listed, kept)
	found, silenced := len(m.findings), len(m.silenced)
	moving, moveWhy := m.chooseMoves(t, containers, inits, f)
	if m.kubexit.used && !f.keepsKubexit {
		// kubexit goes only if what it waited for still starts first; the choice, made
		// while it was to go, is made again with it staying, as if that had been known.
		if why := birthDepStays(all, inits, moving, m.opts.Placement); why != "" {
			m.findings, m.silenced = m.findings[:found], m.silenced[:silenced]
			m.kubexit.problem, f.keepsKubexit = why, true
			moving, moveWhy = m.chooseMoves(t, containers, inits, f)
		}
	}
	m.runFamilies(&pod{t: t, moving: moving, all: all, apps: containers}, earlyFamilies)
	if len(moving) == 0 {
		m.checkRegular(t, containers, nil)
		m.runFamilies(&pod{t: t, natives: nativeAfter(inits, nil), all: all, apps: containers}, families)
		return
	}
	m.move(t, containers, inits, all, moving, moveWhy)
}

// chooseMoves returns the containers of pod t that move, with their evidence, reporting
// why each other one stays.
func (m *migration) chooseMoves(t podTemplate, containers, inits []container, f podFacts) ([]container, []evidence) {
	var moving []container
	var moveWhy []evidence
	for _, c := range containers {
		if e, ok := m.choose(t, c, f); ok {
			moving = append(moving, c)
			moveWhy = append(moveWhy, e)
		}
	}
	if len(containers) > 1 { // the only container is the app: nothing to vet
		moving, moveWhy = m.vetMoves(t, containers, inits, moving, moveWhy)
	}
	switch {
	case len(moving) == 0:
	case len(containers) == 1:
		m.report(ruleSingle, Info, t, moving[0].node, moving[0].name, "not moved: it is the only container, so it is the app (%s)", moveWhy[0].reason)
		return nil, nil
	case len(moving) == len(containers):
		m.report(ruleNoApp, Warning, t, lookup(t.spec, "containers"), "", "nothing moved: every container looks like a sidecar and one must stay as the app; name the sidecars in %s", AnnotationSidecars)
		return nil, nil
	}
	return moving, moveWhy
}

// kubexitKept says why kubexit stays in a pod.
func kubexitKept(opts Options, p kubexitPlan) string {
	if opts.KeepHacks {
		return "--keep-hacks"
	}
	if p.problem != "" {
		return p.problem
	}
	return "the rule " + ruleKubexit.ID + " is off"
}

// flagKept says why an exit-flag workaround stays in a pod.
func flagKept(opts Options, p *flagPlan) string {
	switch {
	case opts.KeepHacks:
		return "--keep-hacks"
	case p.problem != "":
		return p.problem
	}
	return "the rule " + ruleFlagFile.ID + " is off"
}

// nativeAfter returns the native sidecars of a pod once the moving containers are moved.
func nativeAfter(inits, moving []container) []container {
	var natives []container
	for _, c := range inits {
		if c.restartPolicy == "Always" {
			natives = append(natives, c)
		}
	}
	return append(natives, moving...)
}

// readList reads a containers or initContainers list, reporting what cannot be read.
func (m *migration) readList(t podTemplate, n *yaml.Node, field string) ([]container, bool) {
	if n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return nil, true
	}
	if n.Kind == yaml.AliasNode {
		// Never expanded: an alias may be a bomb, and a moved container would leave it.
		m.report(ruleBadContainers, Error, t, n, "", "%s is the YAML alias *%s; write the list out to migrate it", field, n.Value)
		return nil, false
	}
	if n.Kind != yaml.SequenceNode {
		m.report(ruleBadContainers, Error, t, n, "", "%s is not a list", field)
		return nil, false
	}
	var list []container
	for _, item := range n.Content {
		if item.Kind != yaml.MappingNode {
			if item.Kind == yaml.AliasNode {
				m.report(ruleBadContainers, Warning, t, item, "", "%s holds an alias; the pod is left alone", field)
			} else {
				m.report(ruleBadContainers, Error, t, item, "", "an entry of %s is not a mapping", field)
			}
			return nil, false
		}
		if first, again := DuplicateKey(item); again != nil {
			// Files are refused before they get here; a KRM function's items are not.
			m.report(ruleBadContainers, Error, t, again, "", "an entry of %s sets %q twice (first at line %d)", field, again.Value, first.Line)
			return nil, false
		}
		c := readContainer(item)
		if c.name == "" {
			// Test suites' assertion files (kuttl, chainsaw) hold partial objects like this.
			m.report(ruleBadContainers, Error, t, item, "", "an entry of %s has no name, which kubectl refuses; if this is a partial object (a test suite's assertion), leave the file out with --exclude", field)
			return nil, false
		}
		list = append(list, c)
	}
	return list, true
}

// uniqueNames reports duplicate names within containers or within initContainers as errors.
// A name in both lists is reported per container by the caller: the pod is still migrated.
func (m *migration) uniqueNames(t podTemplate, lists ...[]container) bool {
	ok := true
	for _, list := range lists {
		seen := map[string]bool{}
		for _, c := range list {
			if seen[c.name] {
				m.report(ruleDuplicateName, Error, t, c.node, c.name, "two containers are named %q", c.name)
				ok = false
			}
			seen[c.name] = true
		}
	}
	return ok
}

// checkInit reports mistakes among the init containers and fixes the one that is safe to
// fix: a listed, long-running sidecar that sits in initContainers as a plain init container.
func (m *migration) checkInit(t podTemplate, inits []container, listed map[string]bool) {
	for _, c := range inits {
		switch {
		case c.restartPolicy == "Always":
			continue
		case c.restartPolicy != "":
			m.report(ruleInitPolicy, Warning, t, c.node, c.name, "restartPolicy %q on an init container is rejected before Kubernetes 1.35 and means a restart rule from 1.35; only Always makes a native sidecar", c.restartPolicy)
			continue
		}
		for _, probe := range []string{"startupProbe", "readinessProbe", "livenessProbe", "lifecycle"} {
			if lookup(c.node, probe) != nil {
				m.report(ruleInitProbes, Warning, t, c.node, c.name, "%s on a plain init container is rejected by the API server; add restartPolicy: Always if it is a sidecar", probe)
				break
			}
		}
		e, found := m.evidenceFor(c, listed)
		if !found || e.rule.Confidence == Low || c.oneShot() != "" || doublesAsInit(c, e) {
			continue
		}
		if (listed[c.name] || c.neverExits()) && m.held[c.name] != nil {
			m.reportHeld(t, c)
			continue
		}
		if why := restartBlock(c.node, m.opts.KubeVersion); why != "" && (listed[c.name] || c.neverExits()) {
			m.report(ruleInitLongRun, Warning, t, c.node, c.name, "a long-running sidecar as a plain init container keeps the Pod in Init, and restartPolicy: Always is not added: %s", why)
			continue
		}
		if listed[c.name] || c.neverExits() {
			why := "its command never exits"
			if listed[c.name] {
				why = "it is listed in " + AnnotationSidecars
			}
			if m.fix(ruleInitLongRun, t, c.node, c.name, "restartPolicy: Always added: %s, and as a plain init container it keeps the Pod in Init", why) {
				setRestartPolicy(c.node)
				m.natived = append(m.natived, c.node)
			}
			continue
		}
		if why := initRunsOnce(c, e); why != "" {
			m.report(ruleInitLongRun, Info, t, c.node, c.name, "left as a plain init container: %s; list it in %s if it keeps running", why, AnnotationSidecars)
			continue
		}
		m.report(ruleInitLongRun, Warning, t, c.node, c.name, "a long-running sidecar as a plain init container keeps the Pod in Init (%s); list it in %s to make it native", e.reason, AnnotationSidecars)
	}
}

// doublesAsInit reports whether a container in initContainers is a plain init step even
// though its image is a sidecar's: meshes run their iptables set-up from the proxy image
// (istio-init, linkerd-init), and init steps say so in their names.
func doublesAsInit(c container, e evidence) bool {
	if strings.Contains(c.name, "init") || strings.Contains(c.name, "validator") {
		return true
	}
	switch e.rule.ID {
	case "image-istio-proxy", "image-linkerd-proxy", "image-consul-dataplane", "image-dapr-sidecar":
		return c.name != "istio-proxy" && c.name != "linkerd-proxy" && c.name != "consul-dataplane" && c.name != "daprd"
	}
	return false
}

// checkRegular reports restartPolicy on containers that stay in containers.
func (m *migration) checkRegular(t podTemplate, containers, moving []container) {
	for _, c := range containers {
		if c.restartPolicy == "" || containsNode(moving, c.node) || m.policyHeld[c.node] {
			continue
		}
		m.report(ruleRegularPolicy, Warning, t, c.node, c.name, "restartPolicy %q on a regular container is invalid before Kubernetes 1.35 and a per-container restart rule from 1.35", c.restartPolicy)
	}
}
