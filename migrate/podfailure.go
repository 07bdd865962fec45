package migrate

import (
	"fmt"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
)

// A Job's podFailurePolicy reads the exit codes of a failed pod's terminated containers. A
// legacy sidecar that exits ends for good (restartPolicy Never or OnFailure counts its
// failure), so a rule that names it, or an onExitCodes rule for every container, may act on
// its exit. Native, the kubelet restarts it whatever its exit code and its exit never fails
// the pod, so the rule would no longer see it: the Job would retry where it failed, or fail
// where it ignored. Such a sidecar stays in containers, with a warning naming the rule.

var (
	rulePodFailurePolicy = Rule{ID: "pod-failure-policy-container", Matches: "a Job whose podFailurePolicy has an onExitCodes rule naming the sidecar by containerName, or one without containerName", Summary: "Native, the sidecar is restarted whatever its exit code, so that rule would never act on its exit. It stays in containers until the rule no longer reads it."}
	_                    = rule.Register(rule.Check, rulePodFailurePolicy)
)

// podFailureRule returns the rule of t's podFailurePolicy that may act on c's exit code, or "".
func podFailureRule(t podTemplate, c container) string {
	for _, h := range t.holders {
		for i, r := range seqItems(lookupPath(h, "spec", "podFailurePolicy", "rules")) {
			codes := lookup(r, "onExitCodes")
			if codes == nil {
				continue
			}
			where := fmt.Sprintf("spec.podFailurePolicy.rules[%d] (line %d, action %s)", i, r.Line, scalar(r, "action"))
			switch name := scalar(codes, "containerName"); {
			case name == c.name:
				return where + " names it by containerName"
			case name == "" && lookup(codes, "containerName") == nil:
				return where + " has no containerName, so it reads the exit codes of every container, this one's too"
			}
		}
	}
	return ""
}
