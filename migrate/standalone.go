package migrate

import (
	"fmt"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
)

// A proxy or agent image is sometimes the workload itself: an Istio ingress gateway runs
// the proxy image in router mode, an OpenTelemetry gateway runs the Collector beside a
// helper. Moving that container would make the app an init container and a helper the app.

var (
	ruleStandalone = Rule{ID: "standalone-program", Matches: "a proxy or agent image running as the workload itself (Istio's proxy in router mode or from the gateway template; the Collector of a workload named like it)", Summary: "The image is the workload's app, not a sidecar: it stays in containers."}
	_              = rule.Register(rule.Check, ruleStandalone)
)

// standalone is a catalogued program that also runs as a workload of its own
// (builtinStandalone).
type standalone struct {
	program             string
	rules, names        []string
	modes, sidecarModes [][]string // consecutive words of command or args
	templates, template string     // a pod annotation whose comma-separated list naming template makes it standalone
	aliases, roles      []string   // the words of a workload name that say it is the program
}

// ownPorts are the ports a catalogued program serves without declaring them.
type ownPorts struct {
	rules, names []string
	ports        []string
}

// runs reports whether c is a container of the program: its image, or its name.
func (s standalone) runs(c container) bool {
	return contains(s.names, c.name) || imageOf(s.rules, c)
}

// imageOf reports whether the image of c matches one of the image entries ids.
func imageOf(ids []string, c container) bool {
	for _, id := range ids {
		if r, ok := builtinImageRules[id]; ok && matchesImage(r, c) {
			return true
		}
	}
	return false
}

// standaloneApp returns why c, which would move, is the workload's app, or "".
func (m *migration) standaloneApp(t podTemplate, c container) string {
	for _, s := range builtinStandalone {
		if !s.runs(c) {
			continue
		}
		for _, mode := range s.modes {
			if hasPhrase(c.words, mode) {
				return fmt.Sprintf("it runs %s in its standalone mode (%s)", s.program, strings.Join(mode, " "))
			}
		}
		if v, ok := t.annotation(s.templates); ok && s.templates != "" && listNames(v, s.template) {
			return fmt.Sprintf("it runs %s from the %s injection template (%s: %s)", s.program, s.template, s.templates, v)
		}
		for _, mode := range s.sidecarModes {
			if hasPhrase(c.words, mode) {
				return ""
			}
		}
		if m.namedForProgram(c, s) {
			return fmt.Sprintf("it runs %s, and the workload's name %s says it is that program", s.program, m.pod.workload)
		}
	}
	return ""
}

// namedForProgram reports whether the workload's name says it is program s: its last word
// is one of s's roles, or one of s's aliases is followed only by roles. The name is not
// c's when another container carries it.
func (m *migration) namedForProgram(c container, s standalone) bool {
	words := strings.Split(strings.ToLower(strings.ReplaceAll(m.pod.workload, "_", "-")), "-")
	named := contains(s.roles, words[len(words)-1])
	for i, w := range words {
		if contains(s.aliases, w) && onlyRoles(words[i+1:], s.roles) {
			named = true
		}
	}
	if !named {
		return false
	}
	for _, other := range m.pod.containers {
		if other.node != c.node && m.pod.appNamed(other) {
			return false
		}
	}
	return true
}

func onlyRoles(words, roles []string) bool {
	for _, w := range words {
		if !contains(roles, w) {
			return false
		}
	}
	return true
}

// hasPhrase reports whether phrase appears as consecutive words of words.
func hasPhrase(words, phrase []string) bool {
	for i := 0; i+len(phrase) <= len(words); i++ {
		ok := true
		for j, p := range phrase {
			ok = ok && words[i+j] == p
		}
		if ok {
			return true
		}
	}
	return false
}

// listNames reports whether the comma-separated list v names name.
func listNames(v, name string) bool {
	for _, x := range strings.Split(v, ",") {
		if strings.TrimSpace(x) == name {
			return true
		}
	}
	return false
}
