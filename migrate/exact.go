package migrate

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
)

// Exact recognisers: a removal matches the shell AST exactly, never a substring of the
// command text. A request is a shutdown call, or a readiness poll, only when its one URL is
// on the loopback address and every flag is one that neither sends, saves nor adds anything.

// curlFlags are curl's flags that only choose the method, silence, retry, time out or fail;
// true when the flag takes a value.
var curlFlags = map[string]bool{
	"-X": true, "--request": true, "-s": false, "--silent": false, "-S": false, "--show-error": false,
	"-f": false, "--fail": false, "--fail-with-body": false, "-I": false, "--head": false,
	"-L": false, "--location": false, "-k": false, "--insecure": false, "-v": false,
	"--retry": true, "--retry-delay": true, "--retry-max-time": true, "--retry-connrefused": false,
	"--retry-all-errors": false, "-m": true, "--max-time": true, "--connect-timeout": true,
	"-q": false, "--no-progress-meter": false,
}

// wgetFlags are wget's flags of the same kinds (-T is wget's timeout).
var wgetFlags = map[string]bool{
	"-q": false, "--quiet": false, "-nv": false, "--no-verbose": false, "--spider": false,
	"-T": true, "--timeout": true, "-t": true, "--tries": true, "--method": true,
	"--post-data": true, "-S": false, "--server-response": false, "--no-check-certificate": false,
}

// httpCall is what an exact reading of one curl or wget call found.
type httpCall struct {
	port, path string
	nearMiss   string // why the call is not a plain request to the loopback address, or ""
}

// readRequest reads a curl or wget call: its only URL on the loopback address, and no flag
// that uploads, writes a file, adds a header or starts another request.
func readRequest(call *syntax.CallExpr, tool string) httpCall {
	flags := curlFlags
	if tool == "wget" {
		flags = wgetFlags
	}
	var urls []string
	args := call.Args[1:]
	for i := 0; i < len(args); i++ {
		w := shell.WordText(args[i])
		if w == "" {
			return httpCall{nearMiss: "an argument is not literal (" + shell.Print(args[i]) + ")"}
		}
		if !strings.HasPrefix(w, "-") || w == "-" {
			urls = append(urls, w)
			continue
		}
		name, value, joined := strings.Cut(w, "=")
		takes, known := flags[name]
		switch {
		case known && takes && !joined:
			if i+1 >= len(args) {
				return httpCall{nearMiss: "flag " + w + " has no value"}
			}
			value = shell.WordText(args[i+1])
			i++
		case known && (!takes || joined):
		case (name == "-o" || name == "-O" || name == "--output" || name == "--output-document") && i+1 < len(args):
			if value = shell.WordText(args[i+1]); value != "/dev/null" && value != "-" {
				return httpCall{nearMiss: "it writes the response to " + value}
			}
			i++
		case !strings.HasPrefix(w, "--") && shortCluster(w[1:], tool):
		default:
			return httpCall{nearMiss: "flag " + w + " does more than choose the method, silence, retry, time out or fail"}
		}
		if name == "--post-data" && value != "" {
			return httpCall{nearMiss: "it posts data (" + value + ")"}
		}
	}
	if len(urls) != 1 {
		return httpCall{nearMiss: fmt.Sprintf("it names %d URLs", len(urls))}
	}
	raw := urls[0]
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.Contains(urls[0], "?") {
		return httpCall{nearMiss: "its URL " + urls[0] + " is not a plain http(s) URL"}
	}
	switch u.Hostname() {
	case "localhost", "127.0.0.1", "::1", "0.0.0.0":
	default:
		return httpCall{nearMiss: "its URL " + urls[0] + " is not on the loopback address"}
	}
	if u.Port() == "" {
		return httpCall{nearMiss: "its URL " + urls[0] + " names no port"}
	}
	return httpCall{port: u.Port(), path: u.EscapedPath()}
}

// shortCluster reports whether a cluster of one-letter flags (-fsS, -sfXPOST, -qO-) holds
// only allowed ones; a value-taking -X or -O ends the cluster with its value.
func shortCluster(cluster, tool string) bool {
	for i, r := range cluster {
		switch {
		case tool == "curl" && strings.ContainsRune("sSfILkvq", r):
		case tool == "curl" && r == 'X':
			return i+1 < len(cluster)
		case tool == "wget" && r == 'q':
		case tool == "wget" && r == 'O':
			return cluster[i+1:] == "-"
		default:
			return false
		}
	}
	return cluster != ""
}

// shutdownEndpoints are the stop endpoints of the proxies on their well-known ports; on any
// other port an Envoy admin /quitquitquit or a /shutdown.
var shutdownEndpoints = map[string]string{"15000": "/quitquitquit", "15020": "/quitquitquit", "9091": "/quitquitquit", "4191": "/shutdown"}

// shutdownCall returns the port of an exact shutdown call, or why the call is a near miss.
func shutdownCall(call *syntax.CallExpr, tool string) (port, nearMiss string) {
	r := readRequest(call, tool)
	if r.nearMiss != "" {
		return "", r.nearMiss
	}
	want, known := shutdownEndpoints[r.port]
	switch {
	case known && r.path == want:
	case !known && (r.path == "/quitquitquit" || r.path == "/shutdown"):
	default:
		return "", "its path " + r.path + " is not the shutdown endpoint of port " + r.port
	}
	return r.port, ""
}

// nearMiss returns why the first curl or wget in a statement that looks like a shutdown call
// is not one, or "".
func nearMiss(st *syntax.Stmt) string {
	miss := ""
	syntax.Walk(st, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || miss != "" || len(call.Args) == 0 {
			return miss == ""
		}
		if name := call.Args[0].Lit(); (name == "curl" || name == "wget") && shutdownURL.MatchString(shell.Print(call)) {
			if _, why := shutdownCall(call, name); why != "" {
				miss = why
			}
		}
		return miss == ""
	})
	return miss
}

// quietRedirs reports whether a statement's redirections only silence it (> /dev/null,
// 2>&1).
func quietRedirs(st *syntax.Stmt) bool {
	for _, r := range st.Redirs {
		switch {
		case r.Op == syntax.DplOut && shell.WordText(r.Word) == "1":
		case (r.Op == syntax.RdrOut || r.Op == syntax.RdrAll) && shell.WordText(r.Word) == "/dev/null":
		default:
			return false
		}
	}
	return true
}

// knownReady are the readiness endpoints of well-known sidecars by port.
var knownReady = map[string][]string{"15021": {"/healthz/ready"}, "15020": {"/healthz/ready"}, "4191": {"/ready"}, "9090": {"/readiness", "/startup"}}

// readyEndpoint reports whether a request to port and path is a readiness check of c: the
// path and port of one of its probes, or the known endpoint of its kind on that port.
func readyEndpoint(c container, port, path string) bool {
	if knownReadiness(c, port, path) {
		return true
	}
	for _, probe := range []string{"startupProbe", "readinessProbe", "livenessProbe"} {
		get := lookupPath(c.node, probe, "httpGet")
		if get == nil || scalar(get, "path") != path {
			continue
		}
		p := scalar(get, "port")
		if p == port {
			return true
		}
		for _, cp := range seqItems(lookup(c.node, "ports")) {
			if scalar(cp, "name") == p && scalar(cp, "containerPort") == port {
				return true
			}
		}
	}
	return false
}

// otherReader returns which container, other than the writers and watchers being edited,
// reads the flag on its volume (at any mount path: test -f, inotifywait, ls, cat...), or "":
// the writer may go only when every reader of the file is a watcher that goes.
func (p *flagPlan) otherReader(containers []container) string {
	for _, c := range containers {
		if s := containerScript(c.node); s != nil && p.scripts[s.node] != "" {
			continue
		}
		for _, vm := range seqItems(lookup(c.node, "volumeMounts")) {
			if scalar(vm, "name") != p.volume {
				continue
			}
			mp := strings.TrimSuffix(scalar(vm, "mountPath"), "/")
			words := strings.Join(c.words, " ")
			for _, f := range append([]string{p.flag}, sortedKeys(p.status)...) {
				file := mp + strings.TrimPrefix(f, p.dir)
				if strings.Contains(words, file) || (strings.Contains(words, mp) && c.hasWord("inotifywait")) {
					return "container " + c.name + " also reads " + file + " (the same volume at " + mp + ")"
				}
			}
		}
	}
	return ""
}
