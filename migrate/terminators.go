package migrate

import "strings"

// Another way Jobs stopped their sidecars: OpenKruise's sidecar terminator, which reads env
// vars on the sidecar.
var (
	ruleKruise      = Rule{ID: "behaviour-kruise-terminator", Confidence: High, Evidence: true, Matches: "env KRUISE_TERMINATE_SIDECAR_WHEN_JOB_EXIT or ..._WITH_IMAGE", Summary: "OpenKruise stops this container when the Job's app exits: it is a sidecar."}
	ruleKruiseEnv   = Rule{ID: "hack-kruise-terminator", Matches: "OpenKruise's KRUISE_TERMINATE_SIDECAR_WHEN_JOB_EXIT* env vars on a moved sidecar", Summary: "Native sidecars are stopped by the kubelet; the terminator's switch goes."}
	terminatorRules = []Rule{ruleKruise, ruleKruiseEnv}
)

func isKruiseEnv(name string) bool {
	return strings.HasPrefix(name, "KRUISE_TERMINATE_SIDECAR_WHEN_JOB_EXIT")
}

func hasKruiseEnv(c container) bool {
	for name := range c.env {
		if isKruiseEnv(name) {
			return true
		}
	}
	return false
}

// removeKruiseEnv drops the terminator's env vars from the moved sidecars.
func (m *migration) removeKruiseEnv(t podTemplate, moving []container) {
	for _, c := range moving {
		if !hasKruiseEnv(c) || !m.fix(ruleKruiseEnv, t, c.node, c.name, "OpenKruise's sidecar terminator env removed: the kubelet stops native sidecars after the app") {
			continue
		}
		removeEnv(c.node, isKruiseEnv)
		m.workarounds++
	}
}
