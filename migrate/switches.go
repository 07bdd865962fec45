package migrate

import (
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Switches that only served a workaround: Cloud SQL Auth Proxy v2 serves /quitquitquit on
// its admin port only with --quitquitquit (or CSQL_PROXY_QUITQUITQUIT=true), so that an app
// could stop it. Once this run removed every call and nothing else in the pod calls it, the
// switch goes too.
var (
	ruleQuitSwitch = Rule{ID: "hack-quitquitquit-switch", Matches: "Cloud SQL Auth Proxy v2's --quitquitquit or CSQL_PROXY_QUITQUITQUIT on a native sidecar in a run-to-completion pod", Summary: "Removed when this run removed every call to /quitquitquit and nothing else (a preStop, another container, a probe) uses it, with --admin-port and CSQL_PROXY_ADMIN_PORT when no --debug keeps the admin server; kept with an info finding when no caller is seen, since one may be hidden."}
	_              = rule.Register(rule.Workaround, ruleQuitSwitch)
)

const quitEnv = "CSQL_PROXY_QUITQUITQUIT"

// quitCallers counts the scalars of a pod that call the Cloud SQL proxy's /quitquitquit or
// run `cloud-sql-proxy shutdown`, outside the switches themselves.
func quitCallers(spec *yaml.Node) int {
	n := 0
	for _, c := range containerNodes(spec) {
		walkScalars(c, func(s *yaml.Node) {
			v := s.Value
			if isQuitSwitch(v) || v == quitEnv {
				return
			}
			if strings.Contains(v, "quitquitquit") || strings.Contains(v, "cloud-sql-proxy shutdown") {
				n++
			}
		})
	}
	return n
}

func isQuitSwitch(v string) bool { return v == "--quitquitquit" || v == "--quitquitquit=true" }

func walkScalars(n *yaml.Node, f func(*yaml.Node)) {
	if n.Kind == yaml.ScalarNode {
		f(n)
	}
	for _, c := range n.Content {
		walkScalars(c, f)
	}
}

// quitSwitch proposes to remove the quitquitquit switch of the native Cloud SQL proxies of
// a run-to-completion pod when this run removed its last caller (m.quitCallers counts the
// callers before the run's removals), and says why it stays when no caller was ever seen.
func quitSwitch(m *migration, p *pod) []Proposal {
	t := p.t
	if m.opts.KeepHacks || !t.runToCompletion {
		return nil
	}
	before, after := m.quitCallers, quitCallers(t.spec)
	var out []Proposal
	for _, c := range p.natives {
		if !isCloudSQLProxy(c) || !hasQuitSwitch(c.node) {
			continue
		}
		switch {
		case after > 0:
			// a call stays, and its own finding says why: the switch serves it
		case before == 0:
			m.report(ruleQuitSwitch, Info, t, c.node, c.name, "--quitquitquit stays: no container here calls /quitquitquit, but a caller may be hidden (an image's entrypoint, a script outside the manifest); remove it if nothing calls it")
		case lookup(lookup(c.node, "lifecycle"), "preStop") != nil:
			m.report(ruleQuitSwitch, Info, t, c.node, c.name, "--quitquitquit stays: the container has a preStop hook, which may call the endpoint")
		case !quitSwitchExact(c.node):
			m.report(ruleQuitSwitch, Info, t, c.node, c.name, "--quitquitquit stays: it is not set as a command item of its own or as %s: \"true\"", quitEnv)
		default:
			msg := "--quitquitquit removed: this run removed every call to /quitquitquit, and a native sidecar is stopped by the kubelet"
			edits := quitSwitchEdits(c)
			if admin := adminPortEdits(c); len(admin) > 0 {
				msg += "; --admin-port goes too: without --debug its admin server served only /quitquitquit"
				edits = append(edits, admin...)
			}
			out = append(out, Proposal{Rule: ruleQuitSwitch, Container: c.name, Line: c.node.Line, Column: c.node.Column,
				Message: msg, Edits: edits, Workarounds: 1})
		}
	}
	return out
}

func hasQuitSwitch(c *yaml.Node) bool {
	found := false
	walkScalars(c, func(s *yaml.Node) { found = found || strings.Contains(s.Value, "quitquitquit") || s.Value == quitEnv })
	return found
}

// quitSwitchExact reports whether every mention of the switch in the container is an item
// --quitquitquit of command or args, or the env var set to "true".
func quitSwitchExact(c *yaml.Node) bool {
	exact := 0
	for _, key := range []string{"command", "args"} {
		for _, w := range seqItems(lookup(c, key)) {
			if isQuitSwitch(w.Value) {
				exact++
			}
		}
	}
	for _, e := range seqItems(lookup(c, "env")) {
		if scalar(e, "name") == quitEnv {
			if scalar(e, "value") != "true" || lookup(e, "valueFrom") != nil {
				return false
			}
			exact++
		}
	}
	all := 0
	walkScalars(c, func(s *yaml.Node) {
		if strings.Contains(s.Value, "quitquitquit") || s.Value == quitEnv {
			all++
		}
	})
	return exact > 0 && all == exact
}

// quitSwitchEdits deletes the switch from a container's command (not its program) and args,
// and its env var.
func quitSwitchEdits(c container) []Edit {
	var edits []Edit
	for _, k := range []string{"command", "args"} {
		list := lookup(c.node, k)
		for i, w := range seqItems(list) {
			if isQuitSwitch(w.Value) && (k == "args" || i > 0) {
				edits = append(edits, Edit{Path: inContainer(c.name, key(k), index(i)), Op: OpDelete, Prune: true})
			}
		}
	}
	return append(edits, envEdits(c, func(name string) bool { return name == quitEnv })...)
}
