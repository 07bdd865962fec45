package migrate

import "github.com/sidecar-migrate/sidecar-migrate/migrate/rule"

var (
	ruleOneShotUnproven = Rule{ID: "one-shot-unproven", Matches: "in a run-to-completion pod, a catalogued program that runs once by a switch the document does not show (an env var from envFrom or valueFrom, a configuration file)", Summary: "Moved, a container that exits is restarted for ever and its failure no longer fails the Job; it stays until the switch is shown."}
	_                   = rule.Register(rule.Check, ruleOneShotUnproven)
)

// vetMoves holds back, among the containers chosen to move, those that the rest of the pod
// shows to be its app (a program running standalone), that may run once by a switch the
// document does not show (in a run-to-completion pod), or that could not start as native
// sidecars at their place in the start order. A container the sidecars annotation lists is
// a sidecar by its owner's word: only the start order still holds it back.
func (m *migration) vetMoves(t podTemplate, containers, inits, moving []container, why []evidence) ([]container, []evidence) {
	var keep []container
	var keepWhy []evidence
	for i, c := range moving {
		listed := why[i].rule.ID == ruleAnnotationSidecars.ID
		if reason := m.standaloneApp(t, c); reason != "" && !listed {
			m.report(ruleStandalone, Info, t, c.node, c.name, "not moved: %s, so it is the app, not a sidecar; list it in %s if it is one", reason, AnnotationSidecars)
			continue
		}
		if reason := c.configRunsOnce(); reason != "" && !listed {
			m.report(ruleOneShot, Info, t, c.node, c.name, "not moved: %s, so it is not a sidecar", reason)
			continue
		}
		if reason := stopThroughVariable(t, c, containers); reason != "" && t.strict() {
			m.report(ruleSelfTerminating, Warning, t, c.node, c.name, "not moved: a native sidecar that exits is restarted, and %s", reason)
			continue
		}
		if rule := podFailureRule(t, c); rule != "" {
			m.report(rulePodFailurePolicy, Warning, t, c.node, c.name, "not moved: the Job's %s; a native sidecar is restarted whatever its exit code and its exit never fails the pod, so that rule would no longer act on it; change the rule first, then move it", rule)
			continue
		}
		if reason := c.mayRunOnce(); reason != "" && !listed && t.strict() && !m.stoppedByWorkaround(c) {
			m.report(ruleOneShotUnproven, Warning, t, c.node, c.name, "not moved: %s; a native sidecar that exits is restarted for ever, and its failure no longer fails the Job (list it in %s once it is known to keep running)", reason, AnnotationSidecars)
			continue
		}
		keep, keepWhy = append(keep, c), append(keepWhy, why[i])
	}
	keep, keepWhy = m.holdBeforeInit(t, inits, keep, keepWhy)
	return m.holdStartDeadlocks(t, containers, inits, keep, keepWhy)
}

// stoppedByWorkaround reports whether a workaround of the pod stops c when the app is done
// (the app stops it, it watches the exit flag, kubexit or a terminator stops it): its
// author saw it keep running.
func (m *migration) stoppedByWorkaround(c container) bool {
	_, kubexit := c.env["KUBEXIT_DEATH_DEPS"]
	return m.stopped[c.node] != "" || (m.flags != nil && m.flags.watchers[c.node]) || kubexit || m.terminatorListed[c.name] != ""
}
