package migrate

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The kubelet starts the container after a native sidecar only once the sidecar's
// startupProbe has succeeded and its postStart hook has returned. A probe or hook that
// waits for a port of a container that starts later (the app, or a sidecar listed after
// it) then waits for ever, and the pod never starts. As a legacy sidecar it started beside
// the app, so the same probe worked.

var (
	ruleStartDependency = Rule{ID: "sidecar-start-dependency", Matches: "a sidecar whose startupProbe or postStart hook (or the startupProbe --startup-probe from-readiness would add), or its script before its program, waits for a port on the pod it is not shown to serve, a check it cannot read, or a file a later container may write", Summary: "A native sidecar must pass its startupProbe and postStart hook before the containers after it start: waiting there for the app's port or file, or a later sidecar's, would keep the pod from starting. It stays in containers (from-readiness adds no such probe)."}
	_                   = rule.Register(rule.Check, ruleStartDependency)
)

// portNeed is a port that a probe or hook of a container waits for, or a check of it that
// the tool cannot read (unread says why).
type portNeed struct {
	what   string // the probe or hook and its handler: "startupProbe httpGet"
	line   int
	port   string // a number, or a port's name
	unread string
	// file is a file it reads on volume, a volume it mounts (startfiles.go);
	// own says how the container shows the file as its own, if it does: its command "names"
	// it, its script "writes" it.
	file, volume, own string
	// token: port is a number written in an exec check, which holds only when a container
	// that starts later declares it (startneeds.go).
	token bool
	// host is the DNS name it reaches, when only the pod's own names can show that it is the
	// pod (addressself.go); "" for an address on the pod.
	host string
}

// startNeeds returns the ports that handler h (a probe, or a lifecycle hook) waits for on
// the pod's own network: the port of an httpGet, tcpSocket or grpc handler without another
// host, and the addresses on the pod an exec command connects to (startneeds.go).
func startNeeds(c container, h *yaml.Node, what string) []portNeed {
	var needs []portNeed
	for _, kind := range []string{"httpGet", "tcpSocket", "grpc"} {
		a := lookup(h, kind)
		if a == nil {
			continue
		}
		host := scalar(a, "host")
		if host != "" && isRemote(host) && !isHostName(host) {
			continue
		}
		if p := scalar(a, "port"); p != "" {
			needs = append(needs, addressNeed(what+" "+kind, a.Line, address{host: host, port: p, byName: host != "" && isRemote(host)}))
		}
	}
	if cmd := lookupPath(h, "exec", "command"); cmd != nil {
		var words []string
		for _, w := range seqItems(cmd) {
			words = append(words, w.Value)
		}
		for _, a := range checkAddressesNamed(shellEnv(c, words)) {
			needs = append(needs, addressNeed(what+" exec", cmd.Line, a))
		}
		needs = append(needs, execCheckNeeds(words, what+" exec", cmd.Line)...)
	}
	return needs
}

// startOrder is the order in which a pod's containers start once the moving ones are
// native: the native sidecars already in initContainers (before the moved ones with
// placement after-init), the moved ones in their order, then the regular containers.
type startOrder struct {
	containers, inits, moving []container
	placement                 Placement
	spec                      *yaml.Node // the pod spec, for its volumes
}

// blocked returns why container c, native at its place, could wait for ever on need, or "".
func (s startOrder) blocked(c container, n portNeed) string {
	if n.file != "" {
		return s.blockedFile(c, n)
	}
	if n.token {
		return s.blockedToken(c, n)
	}
	if n.unread != "" {
		return fmt.Sprintf("its %s (line %d) %s, so it may wait for a container that starts after it", n.what, n.line, n.unread)
	}
	if servesPort(c, n.port) {
		return ""
	}
	waits := fmt.Sprintf("its %s (line %d) waits for port %s", n.what, n.line, n.port)
	if n.host != "" {
		waits += " on " + n.host
	}
	if !isNumber(n.port) {
		// The kubelet looks a handler's port name up among the container's own ports only.
		return fmt.Sprintf("%s, a name that none of its own ports has (%s), so it can never succeed", waits, portNamers(append(append([]container{}, s.containers...), s.inits...), c, n.port))
	}
	var owner *container
	for _, o := range append(append([]container{}, s.containers...), s.inits...) {
		if o.node == c.node || !declaresPort(o, n.port) {
			continue
		}
		if s.runsBefore(o, c) {
			return ""
		}
		if owner == nil {
			owner = &o
		}
	}
	switch {
	case owner == nil && defaultPort(c, n.port):
		return ""
	case owner != nil && !containsNode(s.moving, owner.node) && !containsNode(s.containers, owner.node):
		return fmt.Sprintf("%s, which the init container %s declares, and %s is not running when %s starts", waits, owner.name, owner.name, c.name)
	case owner != nil:
		return fmt.Sprintf("%s, which %s declares, and %s starts only once %s has passed it", waits, owner.name, owner.name, c.name)
	}
	return fmt.Sprintf("%s, which no container declares and nothing shows %s serves (its ports, a listen address on its command line, its program's own ports); if the app serves it, the pod would never start: declare it in %s's ports if it is its own", waits, c.name, c.name)
}

// portNamers says which containers other than c declare the port named name.
func portNamers(all []container, c container, name string) string {
	var names []string
	for _, o := range all {
		if o.node != c.node && declaresPort(o, name) {
			names = append(names, o.name)
		}
	}
	if len(names) == 0 {
		return "no container declares it"
	}
	return strings.Join(names, ", ") + " declares it"
}

// runsBefore reports whether o is running, as a native sidecar, when c starts.
func (s startOrder) runsBefore(o, c container) bool {
	if containsNode(s.inits, o.node) {
		return s.placement != BeforeInit && o.restartPolicy == "Always"
	}
	for _, m := range s.moving {
		if m.node == c.node {
			return false
		}
		if m.node == o.node {
			return true
		}
	}
	return false
}

// startNeedsOf returns the ports that c's startupProbe and postStart hook wait for.
// When one of them is there, the checks its script makes before its program count too.
func startNeedsOf(c container) []portNeed {
	startup, postStart := lookup(c.node, "startupProbe"), lookupPath(c.node, "lifecycle", "postStart")
	needs := append(startNeeds(c, startup, "startupProbe"), startNeeds(c, postStart, "postStart hook")...)
	needs = append(needs, handlerFileNeeds(c, startup, "startupProbe")...)
	needs = append(needs, handlerFileNeeds(c, postStart, "postStart hook")...)
	if startWaits(c) {
		needs = append(needs, scriptNeeds(c)...)
		needs = append(needs, programFileNeeds(c)...)
	}
	return needs
}

// firstBlock returns why one of needs could keep c from ever starting, or "".
func (s startOrder) firstBlock(c container, needs []portNeed) string {
	self := podSelfNames(s.spec)
	for _, n := range onPod(needs, self) {
		if why := s.blocked(c, n); why != "" {
			return why
		}
	}
	return ""
}

// holdStartDeadlocks orders the moving containers so that one whose startupProbe or
// postStart hook waits for another moving container's port starts after it, then drops,
// until none is left, every container that could still wait for ever once native: a
// container held back starts after the native ones, which may hold back another.
func (m *migration) holdStartDeadlocks(t podTemplate, containers, inits, moving []container, why []evidence) ([]container, []evidence) {
	moving, why = m.orderByStartNeeds(t, moving, why)
	for again := true; again; {
		again = false
		s := startOrder{containers: containers, inits: inits, moving: moving, placement: m.opts.Placement, spec: t.spec}
		for i, c := range moving {
			if block := s.firstBlock(c, startNeedsOf(c)); block != "" {
				m.report(ruleStartDependency, Warning, t, c.node, c.name, "not moved: %s; a native sidecar must pass its startupProbe and postStart hook before the containers after it start", block)
				moving = append(moving[:i:i], moving[i+1:]...)
				why = append(why[:i:i], why[i+1:]...)
				again = true
				break
			}
		}
	}
	return moving, why
}

// orderByStartNeeds returns the moving containers in their order, except that a container
// whose probe or hook waits for the port of one listed after it goes right after that one
// (the only order in which both can start). A cycle is left as it is, and held back.
func (m *migration) orderByStartNeeds(t podTemplate, moving []container, why []evidence) ([]container, []evidence) {
	var order []container
	var orderWhy []evidence
	placed := map[*yaml.Node]bool{}
	self := podSelfNames(t.spec)
	for len(order) < len(moving) {
		progress := false
		for i, c := range moving {
			if placed[c.node] {
				continue
			}
			if waitsForMoving(c, moving, placed, self) {
				continue
			}
			if first := movedPast(moving, placed, i); first != "" {
				m.report(ruleStartDependency, Info, t, c.node, c.name, "placed after %s in initContainers: %s", first, waitReason(c, moving, self))
			}
			order, orderWhy = append(order, c), append(orderWhy, why[i])
			placed[c.node] = true
			progress = true
			break
		}
		if !progress {
			for i, c := range moving { // a cycle: kept in order, and the start check holds it back
				if !placed[c.node] {
					order, orderWhy = append(order, c), append(orderWhy, why[i])
					placed[c.node] = true
				}
			}
		}
	}
	return order, orderWhy
}

// waitsForMoving reports whether c waits for the port of a moving container not placed yet.
func waitsForMoving(c container, moving []container, placed map[*yaml.Node]bool, self selfNames) bool {
	for _, n := range onPod(startNeedsOf(c), self) {
		if servesPort(c, n.port) {
			continue
		}
		for _, o := range moving {
			if o.node != c.node && !placed[o.node] && declaresPort(o, n.port) {
				return true
			}
		}
	}
	return false
}

// movedPast returns the name of the last container listed after c (at index i) that is
// placed before it, or "" when c keeps its place.
func movedPast(moving []container, placed map[*yaml.Node]bool, i int) string {
	last := ""
	for _, o := range moving[i+1:] {
		if placed[o.node] {
			last = o.name
		}
	}
	return last
}

// waitReason says which port of another moving container c waits for.
func waitReason(c container, moving []container, self selfNames) string {
	for _, n := range onPod(startNeedsOf(c), self) {
		for _, o := range moving {
			if o.node != c.node && !servesPort(c, n.port) && declaresPort(o, n.port) {
				return fmt.Sprintf("its %s (line %d) waits for port %s, which %s declares, so it can start only once %s runs", n.what, n.line, n.port, o.name, o.name)
			}
		}
	}
	return ""
}

// declaresPort reports whether c declares port p: its containerPort, or its name.
func declaresPort(c container, p string) bool {
	if p == "" {
		return false
	}
	for _, n := range seqItems(lookup(c.node, "ports")) {
		if scalar(n, "containerPort") == p || scalar(n, "name") == p {
			return true
		}
	}
	return false
}

// servesPort reports whether c is shown to serve port p: it declares it, or its command
// line or env gives it as a listen address or a port setting.
func servesPort(c container, p string) bool {
	if declaresPort(c, p) {
		return true
	}
	if !isNumber(p) {
		return false
	}
	listen := regexp.MustCompile(`(?:^|[=\s/"'])(?:0\.0\.0\.0|\[::\]|\*)?:` + p + `\b`)
	for i, w := range c.words {
		name, value, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
		flag := strings.HasPrefix(w, "-") && strings.Contains(strings.ToLower(name), "port")
		if listen.MatchString(w) || (flag && hasValue && value == p) || (flag && !hasValue && i+1 < len(c.words) && c.words[i+1] == p) {
			return true
		}
	}
	for k, v := range c.env {
		if listen.MatchString(v) || (strings.Contains(strings.ToUpper(k), "PORT") && v == p) {
			return true
		}
	}
	return false
}

// defaultPort reports whether port p is one that c's program serves by default. A port
// that another container declares is that container's, whatever the defaults: two
// containers of a pod cannot listen on one port.
func defaultPort(c container, p string) bool {
	for _, o := range builtinOwnPorts {
		if (contains(o.names, c.name) || imageOf(o.rules, c)) && contains(o.ports, p) {
			return true
		}
	}
	return false
}
