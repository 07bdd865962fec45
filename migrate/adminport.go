package migrate

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The Cloud SQL Auth Proxy v2 runs its localhost admin server only for --quitquitquit or
// --debug (pprof); --admin-port (CSQL_PROXY_ADMIN_PORT) only moves it. Once --quitquitquit
// goes, a port set for an admin server that no longer runs is dead configuration.

const (
	adminPortEnv = "CSQL_PROXY_ADMIN_PORT"
	debugEnv     = "CSQL_PROXY_DEBUG"
)

// adminPortEdits deletes the --admin-port of a Cloud SQL proxy whose admin server serves
// nothing once --quitquitquit goes: no --debug, and every mention of the port setting is a
// command or args item of its own (--admin-port=N, or --admin-port followed by N) or the env
// var with a plain value. Otherwise it returns nothing, and the setting stays.
func adminPortEdits(c container) []Edit {
	if debugOn(c) {
		return nil
	}
	var edits []Edit
	exact := 0
	for _, k := range []string{"command", "args"} {
		items := seqItems(lookup(c.node, k))
		for i := 0; i < len(items); i++ {
			v := items[i].Value
			switch {
			case k == "command" && i == 0:
			case strings.HasPrefix(v, "--admin-port="):
				edits = append(edits, Edit{Path: inContainer(c.name, key(k), index(i)), Op: OpDelete, Prune: true})
				exact++
			case v == "--admin-port" && i+1 < len(items):
				edits = append(edits, Edit{Path: inContainer(c.name, key(k), index(i)), Op: OpDelete, Prune: true},
					Edit{Path: inContainer(c.name, key(k), index(i+1)), Op: OpDelete, Prune: true})
				exact++
				i++
			}
		}
	}
	for _, e := range seqItems(lookup(c.node, "env")) {
		if scalar(e, "name") == adminPortEnv {
			if lookup(e, "valueFrom") != nil {
				return nil
			}
			exact++
		}
	}
	all := 0
	walkScalars(c.node, func(s *yaml.Node) {
		if strings.Contains(s.Value, "admin-port") || s.Value == adminPortEnv {
			all++
		}
	})
	if exact == 0 || all != exact {
		return nil
	}
	return append(edits, envEdits(c, func(name string) bool { return name == adminPortEnv })...)
}

// debugOn reports whether a Cloud SQL proxy may run with --debug, which keeps its admin
// server: the flag (any value but false), the env var (any value but false, or set from
// envFrom, whose values the manifest does not show), or a mention the reading above cannot
// place (a script).
func debugOn(c container) bool {
	on := lookup(c.node, "envFrom") != nil
	walkScalars(c.node, func(s *yaml.Node) {
		v := s.Value
		switch {
		case v == "--debug" || strings.HasPrefix(v, "--debug=") && v != "--debug=false":
			on = true
		case strings.Contains(v, "--debug ") || strings.HasSuffix(v, " --debug"):
			on = true
		}
	})
	for _, e := range seqItems(lookup(c.node, "env")) {
		if scalar(e, "name") == debugEnv && (scalar(e, "value") != "false" || lookup(e, "valueFrom") != nil) {
			on = true
		}
	}
	return on
}
