package migrate

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A startupProbe or postStart hook may wait for a file instead of a port
// (test -f /shared/app.conf, until [ -f ... ]): when the file is on a volume that a container
// starting later mounts and may write, the file may be that container's output, and native
// the probe would wait for ever. Volumes the API fills (configMap, secret, downwardAPI,
// projected) are no container's output. That the sidecar's own command names the file, or
// its script writes it somewhere, does not show who writes it first, or at all, before the
// check (until [ -f /shared/ready ]; do sleep 1; done; exec proxy names it and only waits),
// nor that what it writes is what the check waits for (test -s after a touch): such a file
// is marked as the sidecar's own, and held all the same while a later container may write
// its storage. When none may, moving changes nothing whoever writes it: the
// writers left (the sidecar, a native sidecar before it, an init container) run before the
// check as they did.

// absPath finds the absolute paths a command names.
var absPath = regexp.MustCompile(`(?:^|[\s'"=:(<>\[])(/[A-Za-z0-9_.@%+,/-]+)`)

// apiVolumes are the volume sources whose content the kubelet writes from the API.
var apiVolumes = []string{"configMap", "secret", "downwardAPI", "projected"}

// fileNeeds returns the files that text (a check's command) reads on a volume c mounts: one
// portNeed each, with file and volume set, and own set to how c shows the file (its command
// "names" it, its script "writes" it) for those that own reports.
func fileNeeds(c container, text, what string, line int, own func(string) bool, how string) []portNeed {
	var needs []portNeed
	for _, m := range absPath.FindAllStringSubmatch(text, -1) {
		file := path.Clean(m[1])
		if vol := mountedVolume(c.node, file); vol != "" {
			n := portNeed{what: what, line: line, file: file, volume: vol}
			if own(file) {
				n.own = how
			}
			needs = append(needs, n)
		}
	}
	return needs
}

// mountedVolume returns the volume of c's mount that holds file, or "".
func mountedVolume(c *yaml.Node, file string) string {
	best, vol := "", ""
	for _, vm := range seqItems(lookup(c, "volumeMounts")) {
		at := path.Clean(scalar(vm, "mountPath"))
		if (file == at || strings.HasPrefix(file, at+"/")) && len(at) > len(best) {
			best, vol = at, scalar(vm, "name")
		}
	}
	return vol
}

// namesFile reports whether c's own command line names file (consul-template
// -template=in:/shared/app.conf): it may be c's output, or a file c only reads or waits for.
func (c container) namesFile(file string) bool {
	for _, w := range c.words {
		if strings.Contains(w, file) {
			return true
		}
	}
	return false
}

// handlerFileNeeds returns the file needs of the exec command of handler h.
func handlerFileNeeds(c container, h *yaml.Node, what string) []portNeed {
	cmd := lookupPath(h, "exec", "command")
	if cmd == nil {
		return nil
	}
	// The kubelet expands $(VAR) in an exec handler's command from the container's env.
	vars, envFrom := kubeVars(c.node)
	text, _ := expandKube(strings.Join(wordValues(seqItems(cmd)), " "), vars, envFrom)
	return fileNeeds(c, text, what+" exec", cmd.Line, c.namesFile, "command names")
}

// scriptFileNeeds returns the files that the loops of c's script wait for before its final
// program (until [ -f /shared/app.conf ]; do sleep 1; done).
func scriptFileNeeds(c container, before []*syntax.Stmt, s *shellScript) []portNeed {
	var needs []portNeed
	for _, st := range before {
		syntax.Walk(st, func(n syntax.Node) bool {
			if w, ok := n.(*syntax.WhileClause); ok {
				for _, cond := range w.Cond {
					text := s.node.Value[cond.Pos().Offset():cond.End().Offset()]
					needs = append(needs, fileNeeds(c, text, "script's wait loop", scriptLine(s, cond), c.writes, "script writes")...)
				}
			}
			return true
		})
	}
	return needs
}

// blockedFile returns why c, native at its place, could wait for ever on file need n, or "".
func (s startOrder) blockedFile(c container, n portNeed) string {
	if s.apiVolume(n.volume) {
		return ""
	}
	// The containers that stay first: the app is the likely writer, and the one to name.
	var staying []container
	for _, o := range s.containers {
		if !containsNode(s.moving, o.node) {
			staying = append(staying, o)
		}
	}
	for _, o := range append(append(staying, s.moving...), s.inits...) {
		if o.node == c.node || s.doneOrRunning(o, c) {
			continue
		}
		by := s.writableMount(o.node, n.volume)
		if by == "" {
			continue
		}
		mounts := o.name + " mounts"
		if by != n.volume {
			mounts += " (as volume " + by + ", the same storage)"
		}
		why := fmt.Sprintf("its %s (line %d) reads %s on volume %s, which %s and may write, and %s does not run before %s starts", n.what, n.line, n.file, n.volume, mounts, o.name, c.name)
		if n.own != "" {
			// Even a write of its own may not be what the check waits for (test -s after a touch).
			why += fmt.Sprintf(" (its own %s %s too, which does not show that the check can pass before %s starts)", n.own, n.file, o.name)
		}
		return why
	}
	return ""
}

// doneOrRunning reports whether o has run (a regular init container before c) or runs (a
// native sidecar started before c) when c starts.
func (s startOrder) doneOrRunning(o, c container) bool {
	if containsNode(s.inits, o.node) && o.restartPolicy != "Always" {
		return s.placement != BeforeInit
	}
	return s.runsBefore(o, c)
}

// apiVolume reports whether the pod's volume name is one the API fills.
func (s startOrder) apiVolume(name string) bool {
	for _, v := range seqItems(lookup(s.spec, "volumes")) {
		if scalar(v, "name") != name {
			continue
		}
		for _, k := range apiVolumes {
			if lookup(v, k) != nil {
				return true
			}
		}
	}
	return false
}

// mountsStorageWritable reports whether container c mounts, without readOnly, volume name or
// another volume of the pod on the same storage (one persistentVolumeClaim, or hostPaths one
// inside the other): what it writes there, the volume name shows too.
func (s startOrder) mountsStorageWritable(c *yaml.Node, name string) bool {
	return s.writableMount(c, name) != ""
}

// writableMount returns the volume by which c mounts, without readOnly, volume name or
// another volume on the same storage, or "".
func (s startOrder) writableMount(c *yaml.Node, name string) string {
	for _, vm := range seqItems(lookup(c, "volumeMounts")) {
		if other := scalar(vm, "name"); !boolField(vm, "readOnly") && (other == name || s.sameStorage(other, name)) {
			return other
		}
	}
	return ""
}

// sameStorage reports whether two volumes of the pod may be one storage: one
// persistentVolumeClaim, hostPaths one inside the other, network shares of one server with
// one folder inside the other, or a claim and a network share (the claim may be bound to
// it). Where a share's identity is not read (cephfs, csi, ...), two of one kind may be one.
func (s startOrder) sameStorage(a, b string) bool {
	va, vb := s.volume(a), s.volume(b)
	if claim := scalar(lookup(va, "persistentVolumeClaim"), "claimName"); claim != "" {
		if other := scalar(lookup(vb, "persistentVolumeClaim"), "claimName"); other != "" {
			return claim == other
		}
		return networkShare(vb) != ""
	}
	if pa, pb := scalar(lookup(va, "hostPath"), "path"), scalar(lookup(vb, "hostPath"), "path"); pa != "" && pb != "" {
		return nested(pa, pb)
	}
	ka, kb := networkShare(va), networkShare(vb)
	switch {
	case ka == "" || kb == "":
		return ka != "" && lookup(vb, "persistentVolumeClaim") != nil || kb != "" && lookup(va, "persistentVolumeClaim") != nil
	case ka != kb:
		return false
	case ka == "nfs":
		na, nb := lookup(va, "nfs"), lookup(vb, "nfs")
		return strings.EqualFold(scalar(na, "server"), scalar(nb, "server")) && nested(scalar(na, "path"), scalar(nb, "path"))
	}
	return true
}

// networkShares are the inline volume sources that reach storage outside the node, which
// other pods and other volumes may reach too.
var networkShares = []string{"nfs", "cephfs", "glusterfs", "azureFile", "csi", "iscsi", "rbd", "fc", "flexVolume", "quobyte", "portworxVolume", "storageos", "cinder", "awsElasticBlockStore", "gcePersistentDisk", "azureDisk", "vsphereVolume"}

// networkShare returns the network volume source of v, or "".
func networkShare(v *yaml.Node) string {
	for _, k := range networkShares {
		if lookup(v, k) != nil {
			return k
		}
	}
	return ""
}

// nested reports whether two absolute paths are one, or one is inside the other.
func nested(a, b string) bool {
	a, b = path.Clean("/"+a), path.Clean("/"+b)
	return a == b || strings.HasPrefix(a, b+"/") || strings.HasPrefix(b, a+"/") || a == "/" || b == "/"
}

func (s startOrder) volume(name string) *yaml.Node {
	for _, v := range seqItems(lookup(s.spec, "volumes")) {
		if scalar(v, "name") == name {
			return v
		}
	}
	return nil
}

// blockedToken returns why the number n.port, written in c's exec check, may be a port that a
// container starting after c serves, or "": a later container declares it, and c does not.
func (s startOrder) blockedToken(c container, n portNeed) string {
	if servesPort(c, n.port) {
		return ""
	}
	for _, o := range append(append([]container{}, s.containers...), s.inits...) {
		if o.node != c.node && !s.doneOrRunning(o, c) && declaresPort(o, n.port) {
			return fmt.Sprintf("its %s (line %d) names %s, a port that %s declares, and %s starts only once %s has passed it", n.what, n.line, n.port, o.name, o.name, c.name)
		}
	}
	return ""
}

// programFileNeeds returns the files that c's own command line and env name on a volume it
// mounts (envoy -c /shared/envoy.yaml): its program may need one to start. They count when
// c has a startupProbe or postStart hook (startNeedsOf): a program that waits for the file,
// or fails without it, never passes them while the writer waits for them. Without either,
// the kubelet starts the next container once it sees the sidecar running: a program that
// waits for its file (tail -F of the app's log, kubexit's graveyard) runs, and is moved. One
// that exits at once for want of its file may be seen exited and restarted with back-off
// before the next container starts; a document does not tell the two apart, and holding
// every sidecar that reads a file the app writes would hold the log shippers, so that case
// is left moved (README says so). A file its script writes is marked its own, and held all
// the same while a later container may write its storage (blockedFile).
func programFileNeeds(c container) []portNeed {
	words := commandWords(c.node)
	if len(words) == 0 && len(c.env) == 0 {
		return nil
	}
	var needs []portNeed
	if len(words) > 0 {
		needs = fileNeeds(c, strings.Join(c.words, " "), "command line", words[0].Line, c.writes, "script writes")
	}
	for _, e := range seqItems(lookup(c.node, "env")) {
		name := scalar(e, "name")
		if v := c.env[name]; v != "" {
			needs = append(needs, fileNeeds(c, v, "env "+name, e.Line, c.writes, "script writes")...)
		}
	}
	// A mount's own path (OUTPUT_CERTS=/var/lib/istio/data, the mountPath) is there as soon
	// as the container starts: the kubelet mounts it. What the program reads in it, unnamed,
	// a document does not show.
	var out []portNeed
	for _, n := range needs {
		if !isMountPath(c.node, n.file) {
			out = append(out, n)
		}
	}
	return out
}

// isMountPath reports whether file is the mountPath of one of c's volume mounts.
func isMountPath(c *yaml.Node, file string) bool {
	for _, vm := range seqItems(lookup(c, "volumeMounts")) {
		if path.Clean(scalar(vm, "mountPath")) == file {
			return true
		}
	}
	return false
}
