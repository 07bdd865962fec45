package migrate

import (
	"fmt"
	"path"
	"strings"
)

// Stops written through a variable: `curl -X POST $(QUIT_URL)` with QUIT_URL set to a
// sidecar's shutdown endpoint, or `$KILL cloud-sql-proxy` with KILL=pkill. The workaround
// families read the script as written, where the call is a variable; the kubelet or the
// shell expands it, and the sidecar is stopped all the same. Such a sidecar stays, unproven.

// stopThroughVariable returns how another container of the pod may stop c through a
// variable of its env, or "".
func stopThroughVariable(t podTemplate, c container, containers []container) string {
	shared := boolField(t.spec, "shareProcessNamespace")
	for _, o := range containers {
		if o.node == c.node {
			continue
		}
		text := commandText(o)
		for _, e := range seqItems(lookup(o.node, "env")) {
			name, value := scalar(e, "name"), scalar(e, "value")
			if name == "" || !refersTo(text, name) {
				continue
			}
			if isStopEndpoint(value) {
				return fmt.Sprintf("container %s calls %s through $%s, which this tool does not rewrite: remove the call, then move it by hand", o.name, value, name)
			}
			switch path.Base(strings.Fields(value + " x")[0]) {
			case "pkill", "killall", "kill":
				if shared {
					return fmt.Sprintf("container %s runs %s through $%s in a pod that shares its process namespace: it may kill this container; remove it, then move it by hand", o.name, value, name)
				}
			}
		}
	}
	return ""
}

// commandText returns a container's command and args, joined.
func commandText(c container) string {
	var b strings.Builder
	for _, w := range commandWords(c.node) {
		b.WriteString(w.Value)
		b.WriteByte('\n')
	}
	return b.String()
}

// refersTo reports whether text expands the variable name: $(name), ${name} or $name.
func refersTo(text, name string) bool {
	return strings.Contains(text, "$("+name+")") || strings.Contains(text, "${"+name+"}") || replaceShellVar(text, name, "\x00") != text
}

// isStopEndpoint reports whether a value is a URL of a sidecar's shutdown endpoint.
func isStopEndpoint(v string) bool {
	return strings.Contains(v, "/quitquitquit") || strings.Contains(v, "/shutdown") && (strings.Contains(v, "localhost") || strings.Contains(v, "127.0.0.1") || strings.Contains(v, "[::1]"))
}
