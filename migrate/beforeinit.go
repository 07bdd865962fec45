package migrate

import (
	"fmt"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
)

// Placement before-init starts a moved sidecar before the regular init containers. One that
// shares a volume with an init container that may write it (an emptyDir of credentials, a
// rendered configuration) may need that output: started first, it fails and is restarted,
// and with a startupProbe the init container never runs. The tool cannot tell whether it
// needs it, so such a sidecar stays in containers, with a warning; --placement after-init
// moves it after the init containers, where it started before.

var (
	rulePlacementInit = Rule{ID: "placement-init-dependency", Matches: "--placement before-init and a sidecar that shares a volume with a regular init container that mounts it writable", Summary: "Placed before that init container, the sidecar would start before its output exists, and with a startupProbe the init container would never run. It stays in containers; --placement after-init moves it after the init containers."}
	_                 = rule.Register(rule.Check, rulePlacementInit)
)

// holdBeforeInit drops, with placement before-init, the moving containers that may depend on
// a regular init container through a volume they share.
func (m *migration) holdBeforeInit(t podTemplate, inits, moving []container, why []evidence) ([]container, []evidence) {
	if m.opts.Placement != BeforeInit {
		return moving, why
	}
	order := startOrder{spec: t.spec}
	var keep []container
	var keepWhy []evidence
	for i, c := range moving {
		if reason := order.initDependency(c, inits); reason != "" {
			m.report(rulePlacementInit, Warning, t, c.node, c.name, "not moved: with placement before-init it would start before %s; it may need what that init container writes, and would never start without it; run with --placement %s to move it after the init containers", reason, AfterInit)
			continue
		}
		keep, keepWhy = append(keep, c), append(keepWhy, why[i])
	}
	return keep, keepWhy
}

// initDependency returns the regular init container that c, started before it, may depend
// on, with the volume they share, or "".
func (s startOrder) initDependency(c container, inits []container) string {
	for _, in := range inits {
		if in.restartPolicy == "Always" {
			continue
		}
		for _, vm := range seqItems(lookup(c.node, "volumeMounts")) {
			vol := scalar(vm, "name")
			if !s.apiVolume(vol) && s.mountsStorageWritable(in.node, vol) {
				return fmt.Sprintf("the init container %s, which mounts volume %s writable, as it does (line %d)", in.name, vol, vm.Line)
			}
		}
	}
	return ""
}
