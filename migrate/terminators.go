package migrate

import (
	"fmt"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Sidecar terminators: controllers that stop a Job's sidecars once its other containers have
// exited, told which ones by env vars on the sidecar (OpenKruise) or by a pod annotation that
// lists them (k8s-controller-sidecars and its kin). Both say plainly that a container is a
// sidecar; once it is native, the kubelet stops it and the marks go.
var (
	ruleKruise               = Rule{ID: "behaviour-kruise-terminator", Confidence: High, Matches: "env KRUISE_TERMINATE_SIDECAR_WHEN_JOB_EXIT or ..._WITH_IMAGE", Summary: "OpenKruise stops this container when the Job's app exits: it is a sidecar."}
	ruleKruiseEnv            = Rule{ID: "hack-kruise-terminator", Matches: "OpenKruise's KRUISE_TERMINATE_SIDECAR_WHEN_JOB_EXIT* env vars on a moved sidecar", Summary: "Native sidecars are stopped by the kubelet; the terminator's switch goes."}
	ruleTerminatorAnnotation = Rule{ID: "annotation-sidecar-terminator", Confidence: High, Matches: "annotation " + strings.Join(terminatorAnnotations, " or "), Summary: "A sidecar terminator stops the listed containers when the others have exited: they are sidecars."}
	ruleTerminatorListed     = Rule{ID: "hack-terminator-annotation", Matches: "native sidecars listed in a sidecar terminator's annotation", Summary: "Native sidecars are stopped by the kubelet; they leave the terminator's list, and the annotation goes when it lists no other."}
	_                        = rule.Register(rule.Workaround, ruleKruiseEnv, ruleTerminatorListed, ruleTerminatorContainer)
	_                        = rule.Register(rule.Evidence, ruleKruise, ruleTerminatorAnnotation)
)

// terminatorAnnotations are the pod annotations of sidecar terminators: comma-separated
// container names.
var terminatorAnnotations = []string{"nrmitchi.com/sidecars", "pod.kubernetes.io/sidecars"}

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

// kruiseEnv proposes to drop the terminator's env vars from the moved sidecars.
func kruiseEnv(m *migration, p *pod) []Proposal {
	if m.opts.KeepHacks {
		return nil
	}
	var out []Proposal
	for _, c := range p.moving {
		if !hasKruiseEnv(c) {
			continue
		}
		edits := envEdits(c, isKruiseEnv)
		out = append(out, Proposal{Rule: ruleKruiseEnv, Container: c.name, Line: c.node.Line, Column: c.node.Column,
			Message: "OpenKruise's sidecar terminator env removed: the kubelet stops native sidecars after the app", Edits: edits,
			Releases: Releases{Containers: []string{c.name}}, Workarounds: 1})
	}
	return out
}

// terminatorListed maps the containers that a sidecar-terminator annotation lists to the
// annotation.
func terminatorListed(t podTemplate) map[string]string {
	out := map[string]string{}
	for _, key := range terminatorAnnotations {
		for _, md := range t.metadata {
			for _, n := range strings.Split(scalar(lookup(md, "annotations"), key), ",") {
				if n = strings.TrimSpace(n); n != "" {
					out[n] = key
				}
			}
		}
	}
	return out
}

// terminatorKept returns, for a container that a terminator is told to stop and whose mark
// stays (--keep-hacks, a disabled rule), the mark and why it stays; "" otherwise.
func (m *migration) terminatorKept(t podTemplate, c container) (mark, why string) {
	rule := ruleKruiseEnv
	switch key := terminatorListed(t)[c.name]; {
	case hasKruiseEnv(c):
		mark = "OpenKruise's KRUISE_TERMINATE_SIDECAR_WHEN_JOB_EXIT env"
	case key != "":
		mark, rule = "the annotation "+key, ruleTerminatorListed
	case terminatorOf(t, c.name) != "":
		mark, rule = "its name (watched by container "+terminatorOf(t, c.name)+")", ruleTerminatorContainer
	default:
		return "", ""
	}
	switch {
	case m.opts.KeepHacks:
		return mark, "--keep-hacks"
	case m.off(rule.ID):
		return mark, "the rule " + rule.ID + " is off"
	}
	return "", ""
}

// terminatorAnnotations proposes to take the native sidecars out of terminator
// annotations, and to remove an annotation (an emptied annotations or metadata mapping with
// it) that lists no other container. Nothing is proposed when nothing moves.
func terminatorMarks(m *migration, p *pod) []Proposal {
	if m.opts.KeepHacks || len(p.moving) == 0 {
		return nil
	}
	native := map[string]bool{}
	for _, c := range p.natives {
		native[c.name] = true
	}
	var out []Proposal
	for i, md := range p.t.metadata {
		annotations := lookup(md, "annotations")
		for _, k := range terminatorAnnotations {
			v := lookup(annotations, k)
			if v == nil || v.Kind != yaml.ScalarNode {
				continue
			}
			var rest, gone []string
			for _, n := range strings.Split(v.Value, ",") {
				if n = strings.TrimSpace(n); native[n] {
					gone = append(gone, n)
				} else if n != "" {
					rest = append(rest, n)
				}
			}
			if len(gone) == 0 {
				continue
			}
			at := Path{Holder: i + 1, Steps: []Step{key("metadata"), key("annotations"), key(k)}}
			e := Edit{Path: at, Op: OpDelete, Prune: true}
			if len(rest) > 0 {
				e = Edit{Path: at, Op: OpSet, Value: strings.Join(rest, ",")}
			}
			out = append(out, Proposal{Rule: ruleTerminatorListed, Line: v.Line, Column: v.Column,
				Message: fmt.Sprintf("%s no longer lists %s: the kubelet stops native sidecars once the app has exited", k, strings.Join(gone, ", ")),
				Edits:   []Edit{e}, Releases: Releases{Containers: gone}, Workarounds: 1})
		}
	}
	return out
}
