package migrate

import (
	"mvdan.cc/sh/v3/syntax"
	"net/netip"
	"path"
	"regexp"
	"strings"
)

// The addresses a check names. All containers of a pod share one network namespace, so an
// address is the pod's own unless the tool can show it is another host's: localhost, any
// of 127.0.0.0/8 or ::1, 0.0.0.0 and ::, an empty host (:8080), and whatever it cannot read
// (${POD_IP}, $(hostname -i), a variable) all reach the app's ports. Only a literal
// address outside those, or a DNS name that is not a loopback name, is remote. A check
// that talks to the network without an address or port the tool can read (nc $HOST $PORT,
// curl "$URL") may wait for the app, and leaves the container unproven.

// shellEnv joins an exec handler's words, with $NAME and ${NAME} replaced by the value the
// container's env gives them inline when a shell runs it: the kubelet runs the handler in
// the container's environment, and only a shell expands those.
func shellEnv(c container, words []string) string {
	text := strings.Join(words, " ")
	if len(words) == 0 || !isShell(path.Base(words[0])) {
		return text
	}
	vars, _ := kubeVars(c.node)
	return shellParam.ReplaceAllStringFunc(text, func(ref string) string {
		m := shellParam.FindStringSubmatch(ref)
		if v, ok := vars[m[1]+m[2]]; ok && v.known {
			return v.value
		}
		return ref
	})
}

// shellParam is a plain parameter expansion: ${NAME} or $NAME.
var shellParam = regexp.MustCompile(`\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))`)

// netClients are the commands that open a connection to check a port.
var netClients = map[string]bool{
	"curl": true, "wget": true, "nc": true, "ncat": true, "netcat": true, "telnet": true,
	"socat": true, "grpc_health_probe": true, "grpcurl": true, "http": true, "https": true,
	"wait-for-it": true, "wait-for-it.sh": true, "wait-for": true, "dockerize": true,
	"wait4x": true, "pg_isready": true, "redis-cli": true, "mysqladmin": true,
}

// ncValued are nc's options that take a value (the next word is not the host).
const ncValued = "wiqGspxXOIT"

// hostPort finds HOST:PORT outside URLs: after a start, space, quote, = or @, a host (a
// name, an address, [v6], a variable, or nothing) and a port (digits or a variable).
var hostPort = regexp.MustCompile(`(?:^|[\s'"=@,(])(\[[0-9A-Fa-f:.]*\]|\$\{?\w+\}?|[A-Za-z0-9_.*-]*):(\d+|\$\{?\w+\}?)(?:$|[\s'"/;)&|?#])`)

// devTCPAddr finds bash's /dev/tcp/HOST/PORT and /dev/udp/HOST/PORT.
var devTCPAddr = regexp.MustCompile(`/dev/(?:tcp|udp)/([^/\s'"]+)/(\S+?)(?:$|[\s'";)&|])`)

// address is one address a check names: its port, or why it cannot be read. byName: its
// host is a DNS name that only the pod's own names (addressself.go) can show is the pod.
type address struct {
	host, port, unread string
	byName             bool
}

// checkAddresses returns the addresses on the pod's own network that text (a check's
// command line, shell variables of known value substituted) connects to, and why one
// cannot be read.
func checkAddresses(text string) []address {
	own, _ := addressesIn(text)
	return own
}

// checkAddressesNamed returns checkAddresses(text) and, byName, the addresses whose host
// is a DNS name that is not a loopback name: the pod's spec may still make it the pod's own.
func checkAddressesNamed(text string) []address {
	own, named := addressesIn(text)
	return append(own, named...)
}

// addressesIn returns the addresses text connects to that are on the pod's own network,
// and those whose host is a name the pod's spec may resolve to the pod.
func addressesIn(text string) (own, named []address) {
	out := allAddresses(text)
	for _, a := range out {
		if a.unread == "" && !isNumber(a.port) {
			a.unread = "its port " + a.port + " is not a number the document shows"
		}
		switch {
		case a.unread != "" || !isRemote(a.host):
			own = append(own, a)
		case isHostName(a.host):
			a.byName = true
			named = append(named, a)
		}
	}
	for _, opt := range []string{"--resolve", "--connect-to"} {
		if strings.Contains(text, opt) {
			own = append(own, address{unread: "its " + opt + " may point a name at the pod itself"})
		}
	}
	if len(out) == 0 {
		if client := netClientIn(text); client != "" {
			own = append(own, address{unread: "runs " + client + " with no address and port this tool can read"})
		}
	}
	return own, named
}

// allAddresses returns every address text names, remote ones included.
func allAddresses(text string) []address {
	var out []address
	rest := text
	for _, u := range urlsIn(text) {
		out = append(out, u.addr)
		rest = strings.Replace(rest, u.text, " ", 1)
	}
	for _, m := range devTCPAddr.FindAllStringSubmatch(rest, -1) {
		out = append(out, address{host: m[1], port: m[2]})
		rest = strings.Replace(rest, m[0], " ", 1)
	}
	for _, m := range hostPort.FindAllStringSubmatch(rest, -1) {
		out = append(out, address{host: m[1], port: m[2]})
	}
	words := strings.Fields(rest)
	for i, w := range words {
		if n := path.Base(w); n == "nc" || n == "ncat" || n == "netcat" || n == "telnet" {
			out = append(out, ncAddress(words[i+1:]))
		}
	}
	return out
}

// netClientIn returns the first network client that text runs, or "".
func netClientIn(text string) string {
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(" \t\n;&|()'\"`", r) }) {
		if netClients[path.Base(w)] {
			return path.Base(w)
		}
	}
	return ""
}

// ncAddress reads nc's (or telnet's) host and port from the words after it.
func ncAddress(words []string) address {
	var plain []string
	for i := 0; i < len(words) && len(plain) < 2; i++ {
		w := words[i]
		if isSeparator(w) || w == "&&" {
			break
		}
		if strings.HasPrefix(w, "-") {
			if last := w[len(w)-1:]; len(w) == 2 && strings.Contains(ncValued, last) {
				i++ // the option's value
			}
			continue
		}
		plain = append(plain, strings.Trim(w, `"'`))
	}
	if len(plain) < 2 {
		return address{unread: "runs nc with no host and port this tool can read"}
	}
	return address{host: plain[0], port: strings.TrimRight(plain[1], ";")}
}

// foundURL is one URL of a text and the address it names.
type foundURL struct {
	text string
	addr address
}

// urlsIn returns the URLs of text (scheme://host[:port]), each host read to its end even
// when it is a command substitution with spaces ($(hostname -i)). A URL without a port has
// its scheme's (http 80, https 443).
func urlsIn(text string) []foundURL {
	var out []foundURL
	for at := 0; ; {
		i := strings.Index(text[at:], "://")
		if i < 0 {
			return out
		}
		i += at
		start := i
		for start > 0 && isSchemeChar(text[start-1]) {
			start--
		}
		host, end := readHost(text, i+3)
		port := ""
		if end < len(text) && text[end] == ':' {
			p := end + 1
			for end = p; end < len(text) && !strings.ContainsRune("/?#'\" \t\n;)&|", rune(text[end])); end++ {
			}
			port = text[p:end]
		}
		if port == "" {
			port = map[string]string{"http": "80", "https": "443", "ws": "80", "wss": "443", "tcp": ""}[strings.ToLower(text[start:i])]
		}
		a := address{host: host, port: port}
		if port == "" {
			a.unread = "names " + text[start:end] + " without a port"
		}
		out = append(out, foundURL{text[start:end], a})
		at = max(end, i+3)
	}
}

func isSchemeChar(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '+' || b == '-' || b == '.'
}

// readHost reads the host of a URL from text[at:]: a bracketed IPv6 address, or a run of
// name characters, $(...) and ${...}; it returns the host and where it ends.
func readHost(text string, at int) (string, int) {
	i := at
	if i < len(text) && text[i] == '[' {
		if j := strings.IndexByte(text[i:], ']'); j >= 0 {
			return text[i : i+j+1], i + j + 1
		}
	}
	for i < len(text) {
		switch {
		case strings.HasPrefix(text[i:], "$(") || strings.HasPrefix(text[i:], "${"):
			close := map[byte]byte{'(': ')', '{': '}'}[text[i+1]]
			j := strings.IndexByte(text[i:], close)
			if j < 0 {
				return text[at:], len(text)
			}
			i += j + 1
		case strings.ContainsRune("/:?#'\" \t\n;)&|@", rune(text[i])):
			return text[at:i], i
		default:
			i++
		}
	}
	return text[at:i], i
}

// isRemote reports whether host is shown to be another host than the pod.
func isRemote(host string) bool {
	h := strings.ToLower(strings.Trim(host, "[]"))
	switch {
	case h == "" || h == "*" || strings.ContainsAny(h, "$`()"):
		return false
	case h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "ip6-localhost" || h == "ip6-loopback" || h == "localhost.localdomain":
		return false
	}
	if a, err := netip.ParseAddr(h); err == nil {
		a = a.Unmap()
		return !a.IsLoopback() && !a.IsUnspecified()
	}
	return !numericHost(h)
}

// numericHost reports whether h is a number, decimal, octal or hex, as 127.1, 2130706433
// and 0x7f000001 are: the C resolver reads it as an address (those three are loopback), so
// it is not a name.
func numericHost(h string) bool {
	return strings.Trim(h, "0123456789.") == "" ||
		h[0] >= '0' && h[0] <= '9' && strings.Trim(strings.ToLower(h), "0123456789abcdefx.") == ""
}

// An exec check is read only as far as its programs are known. A program that is not a
// network client whose address the tool reads, nor one known to check the container's own
// state only (test, cat, pgrep...), may connect anywhere: an interpreter running inline code
// (python3 -c "socket.create_connection(...)"), a database client (psql -p 8080), a binary
// of the image (/bin/check-ready). Such a check leaves the container unproven. And any
// number written in an exec check that is a port a container starting later declares may be
// that port, whatever the program: it holds too.

// localChecks are programs that read the container's own state and open no connection.
var localChecks = map[string]bool{
	"test": true, "[": true, "[[": true, "true": true, "false": true, ":": true, "cat": true,
	"ls": true, "stat": true, "grep": true, "egrep": true, "fgrep": true, "pgrep": true,
	"pidof": true, "ps": true, "kill": true, "sleep": true, "echo": true, "printf": true,
	"exit": true, "head": true, "tail": true, "wc": true, "find": true, "date": true,
	"touch": true, "rm": true, "mkdir": true, "readlink": true, "cmp": true, "diff": true,
	"hostname": true, "id": true, "whoami": true, "uname": true,
}

// digitRun is a number written in a check.
var digitRun = regexp.MustCompile(`\d+`)

// execCheckNeeds returns the needs of an exec check's words beyond its addresses: why it
// cannot be read when it runs a program the tool does not know, and each number in it.
func execCheckNeeds(words []string, what string, line int) []portNeed {
	var needs []portNeed
	if why := unreadProgram(words); why != "" {
		needs = append(needs, portNeed{what: what, line: line, unread: why})
	}
	seen := map[string]bool{}
	for _, a := range allAddresses(strings.Join(words, " ")) {
		seen[a.port] = true // an address read: its port is checked as the address's
	}
	if port := selfWaitPort(words); port != "" {
		seen[port] = true
		needs = append(needs, portNeed{what: what, line: line, port: port})
	}
	for _, w := range words {
		for _, d := range digitRun.FindAllString(w, -1) {
			if d = strings.TrimLeft(d, "0"); d != "" && len(d) <= 5 && !seen[d] {
				seen[d] = true
				needs = append(needs, portNeed{what: what, line: line, port: d, token: true})
			}
		}
	}
	return needs
}

// unreadProgram returns why an exec check's programs cannot be read, or "": each program it
// runs, in a shell's script too, is a network client or a local check.
func unreadProgram(words []string) string {
	if len(words) == 0 {
		return ""
	}
	if name := path.Base(words[0]); !isShell(name) {
		if name == "pilot-agent" && (len(words) < 2 || words[1] != "wait") {
			return unknownProgram(name + " " + strings.Join(words[1:2], ""))
		}
		return unknownProgram(name)
	}
	script := ""
	for i, w := range words[1:] {
		if strings.HasPrefix(w, "-") && strings.Contains(w, "c") && i+2 < len(words) {
			script = words[i+2]
			break
		}
	}
	f, err := syntax.NewParser().Parse(strings.NewReader(script), "")
	if err != nil {
		return "runs a script this tool cannot parse"
	}
	why := ""
	syntax.Walk(f, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok && why == "" && len(call.Args) > 0 {
			name := call.Args[0].Lit()
			if name == "" {
				why = "runs a program whose name this tool cannot read"
			} else {
				why = unknownProgram(path.Base(name))
			}
		}
		return why == ""
	})
	return why
}

// unknownProgram says that program name is not read, or "" when it is a network client (its
// addresses are read) or a local check.
func unknownProgram(name string) string {
	if netClients[name] || localChecks[name] || selfWaiters[name] != "" {
		return ""
	}
	return "runs " + name + ", a program whose connections this tool cannot read (an interpreter's inline code, a client it does not know, a binary of the image)"
}

// selfWaiters are the mesh programs that wait for their own proxy's readiness port (by
// default this one): linkerd-await (--port) and pilot-agent wait (--url, read as an address).
var selfWaiters = map[string]string{"linkerd-await": "4191", "pilot-agent": "15021"}

// selfWaitPort returns the port that a self waiter's exec check waits for, or "".
func selfWaitPort(words []string) string {
	if len(words) == 0 {
		return ""
	}
	name := path.Base(words[0])
	port := selfWaiters[name]
	if port == "" || name == "pilot-agent" && (len(words) < 2 || words[1] != "wait") {
		return ""
	}
	for _, w := range words {
		if v, ok := strings.CutPrefix(w, "--port="); ok && name == "linkerd-await" {
			port = v
		}
		if strings.HasPrefix(w, "--url") {
			return "" // the URL is read as an address
		}
	}
	return port
}
