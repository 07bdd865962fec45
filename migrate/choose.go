package migrate

import "sigs.k8s.io/kustomize/kyaml/yaml"

// podFacts are what the choice of each container of a pod reads about the pod.
type podFacts struct {
	listed, kept, native    map[string]bool // the sidecars and keep annotations; the init containers
	istioOptOut             string          // sidecar.istio.io/nativeSidecar
	keepsFlag, keepsKubexit bool            // the exit flag or kubexit stays
	stops                   []*appStop
	single                  bool // the pod has one container
}

// choose reports whether container c moves, with its evidence; when it does not, it reports
// why, if there is anything to say.
func (m *migration) choose(t podTemplate, c container, f podFacts) (evidence, bool) {
	e, found := m.evidenceFor(c, f.listed)
	e = m.withContext(c, e, f.listed)
	stopWhat, stopWhy := m.keptStop(f.stops, c)
	markWhat, markWhy := m.terminatorKept(t, c)
	restartWhy := restartBlock(c.node, m.opts.KubeVersion)
	switch {
	case !found:
		m.hintMiss(t, c)
	case e.rule.Confidence == Low && f.single:
		// The only container is the app; a weak hint has nothing to add.
	case e.rule.Confidence == Low:
		m.report(e.rule, Info, t, c.node, c.name, "not moved: weak evidence (%s); list it in %s if it is a sidecar", e.reason, AnnotationSidecars)
	case f.kept[c.name]:
		m.report(ruleKeep, Info, t, c.node, c.name, "kept in containers: listed in %s", AnnotationKeep)
	case f.native[c.name]:
		m.report(ruleAlreadyNative, Warning, t, c.node, c.name, "not moved: initContainers already has a container named %q", c.name)
	case c.image == "":
		m.report(ruleNoImage, Info, t, c.node, c.name, "not moved: it has no image (an override for an injector, not a container)")
	case hasAlias(c.node):
		m.report(ruleBadContainers, Warning, t, c.node, c.name, "not moved: it uses YAML anchors or aliases, which would break when moved")
	case f.istioOptOut == "false" && (e.rule.ID == "image-istio-proxy" || c.name == "istio-proxy"):
		m.report(ruleMeshOptOut, Warning, t, c.node, c.name, "not moved: sidecar.istio.io/nativeSidecar is \"false\"; remove that annotation first if native sidecars are wanted")
	case restartWhy != "":
		m.policyHeld[c.node] = true
		m.report(ruleRegularPolicy, Warning, t, c.node, c.name, "not moved: %s", restartWhy)
	case f.keepsFlag && m.flags != nil && m.flags.watchers[c.node]:
		m.report(ruleHackKept, Warning, t, c.node, c.name, "not moved: it stops itself when %s appears, and a native sidecar that exits is restarted; the workaround stays (%s)", m.flags.flag, flagKept(m.opts, m.flags))
	case f.keepsKubexit && m.kubexit.used && c.env["KUBEXIT_DEATH_DEPS"] != "":
		m.report(ruleHackKept, Warning, t, c.node, c.name, "not moved: kubexit makes it exit when the app does, a native sidecar that exits is restarted, and kubexit stays (%s)", kubexitKept(m.opts, m.kubexit))
	case t.runToCompletion && markWhat != "":
		m.report(ruleHackKept, Warning, t, c.node, c.name, "not moved: a native sidecar that exits is restarted, and %s tells a terminator to stop it, which stays: %s", markWhat, markWhy)
	case t.runToCompletion && stopWhat != "":
		m.report(ruleHackKept, Warning, t, c.node, c.name, "not moved: a native sidecar that exits is restarted, and the app stops it with %s, which stays: %s", stopWhat, stopWhy)
	case e.rule.ID != ruleAnnotationSidecars.ID && c.oneShot() != "":
		m.report(ruleOneShot, Info, t, c.node, c.name, "not moved: %s, so it is not a sidecar", c.oneShot())
	case m.controls(t, c):
	case m.held[c.name] != nil:
		m.reportHeld(t, c)
	default:
		return e, true
	}
	return evidence{}, false
}

// planPod plans what decides the choice of each container of pod t: the workarounds that
// stop its containers (kubexit, the exit flag, the app's stops) and what holds them back.
func (m *migration) planPod(t podTemplate, containers, inits, all []container, listed, kept map[string]bool) podFacts {
	native := map[string]bool{}
	for _, c := range inits {
		native[c.name] = true
	}
	istioOptOut, _ := t.annotation("sidecar.istio.io/nativeSidecar")
	m.kubexit = planKubexit(all)
	kubexit := &m.kubexit
	stops := planStops(t.spec, containers, all)
	m.flags, m.stopped, m.terminatorListed = nil, nil, terminatorListed(t)
	m.policyHeld = map[*yaml.Node]bool{}
	m.quitCallers = quitCallers(t.spec) // before anything is removed (switches.go)
	m.linkerdCallers = linkerdCallers(t.spec)
	if t.runToCompletion {
		m.flags = planFlagFile(containers, t.spec)
		m.stopped = stoppedBy(stops)
	}
	m.holdBack(t, kubexit)
	keepsFlag := m.opts.KeepHacks || m.off(ruleFlagFile.ID) || (m.flags != nil && m.flags.problem != "")
	keepsKubexit := m.opts.KeepHacks || kubexit.problem != "" || m.off(ruleKubexit.ID)
	return podFacts{listed: listed, kept: kept, native: native, istioOptOut: istioOptOut,
		keepsFlag: keepsFlag, keepsKubexit: keepsKubexit, stops: stops, single: len(containers) == 1}
}

// move moves the chosen containers of pod t to initContainers, with the findings of what
// changes, and runs the workaround families on the result.
func (m *migration) move(t podTemplate, containers, inits, all, moving []container, moveWhy []evidence) {
	for i, c := range moving {
		m.fix(moveWhy[i].rule, t, c.node, c.name, "moved to initContainers with restartPolicy: Always (%s)", moveWhy[i].reason)
		if old := replacedPolicy(c.node); old != "" {
			m.report(ruleRegularPolicy, Info, t, lookup(c.node, "restartPolicy"), c.name, "its restartPolicy was %s; replaced by Always", old)
		}
	}
	m.checkRegular(t, containers, moving)
	m.impact(t, containers, moving)
	m.initPeak(t, containers, inits, moving)
	moveToInit(t.spec, moving, m.opts.Placement)
	for _, c := range moving {
		m.natived = append(m.natived, c.node)
	}
	m.moves = append(m.moves, rearrangement(t, containers, inits))
	for _, c := range moving {
		m.movedList = append(m.movedList, MovedContainer{Resource: t.resource, Container: c.name, Quiet: m.off(ruleAutoscaler.ID)})
	}
	var staying []container
	for _, c := range containers {
		if !containsNode(moving, c.node) {
			staying = append(staying, c)
		}
	}
	m.runFamilies(&pod{t: t, moving: moving, natives: nativeAfter(inits, moving), all: all, apps: staying}, families)
}
