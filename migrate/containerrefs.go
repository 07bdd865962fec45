package migrate

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// References by container name: an object may name a container of its pod template
// elsewhere, and some of those names must keep resolving. The API server rejects a Job whose
// podFailurePolicy names a container the template does not have, and a pod whose AppArmor or
// seccomp container annotation names one; kubectl falls back to another container when its
// default-container annotation names none; and a container whose env or a downwardAPI volume
// reads another container's resources (resourceFieldRef) fails to start without it. So a
// container these name is never deleted: the edit is refused, naming the reference.

// containerRef is one place that names a container of a pod template.
type containerRef struct {
	name  string // the container named
	where string // the field that names it, for messages
	needs string // what goes wrong when it names no container
}

const (
	needsAPI     = "the API server would reject the object"
	needsKubectl = "kubectl exec and logs would pick another container"
	needsKubelet = "the kubelet could not start the container that reads it"
)

// containerPrefixes are the annotations whose key ends with a container's name.
var containerPrefixes = []string{"container.apparmor.security.beta.kubernetes.io/", "container.seccomp.security.alpha.kubernetes.io/"}

// containerNamers are the annotations whose value is a container's name.
var containerNamers = []string{"kubectl.kubernetes.io/default-container", "kubectl.kubernetes.io/default-logs-container"}

// containerRefs returns the references by name to the containers of template t, but those
// inside skip (a container being deleted may name itself).
func containerRefs(t podTemplate, skip *yaml.Node) []containerRef {
	var refs []containerRef
	for _, h := range t.holders {
		for i, r := range seqItems(lookupPath(h, "spec", "podFailurePolicy", "rules")) {
			if n := lookupPath(r, "onExitCodes", "containerName"); n != nil && n.Kind == yaml.ScalarNode {
				refs = append(refs, containerRef{n.Value, fmt.Sprintf("the %s's spec.podFailurePolicy.rules[%d].onExitCodes.containerName", scalar(h, "kind"), i), needsAPI})
			}
		}
	}
	for _, md := range t.metadata {
		a := lookup(md, "annotations")
		for i := 0; a != nil && a.Kind == yaml.MappingNode && i+1 < len(a.Content); i += 2 {
			k, v := a.Content[i].Value, a.Content[i+1]
			for _, p := range containerPrefixes {
				if name, ok := strings.CutPrefix(k, p); ok {
					refs = append(refs, containerRef{name, "the annotation " + k, needsAPI})
				}
			}
			for _, key := range containerNamers {
				if k == key && v.Kind == yaml.ScalarNode {
					refs = append(refs, containerRef{v.Value, "the annotation " + k, needsKubectl})
				}
			}
		}
	}
	var walk func(n *yaml.Node, in string)
	walk = func(n *yaml.Node, in string) {
		if n == nil || n == skip {
			return
		}
		if n.Kind == yaml.MappingNode {
			if c := lookupPath(n, "resourceFieldRef", "containerName"); c != nil && c.Kind == yaml.ScalarNode {
				refs = append(refs, containerRef{c.Value, "a resourceFieldRef in " + in, needsKubelet})
			}
		}
		for _, c := range n.Content {
			walk(c, in)
		}
	}
	for _, c := range containerNodes(t.spec) {
		walk(c, "container "+scalar(c, "name"))
	}
	walk(lookup(t.spec, "volumes"), "the volumes")
	return refs
}

// errNamed is why the deletion of a container is refused: something names it.
type errNamed struct {
	container string
	ref       containerRef
}

func (e errNamed) Error() string {
	return fmt.Sprintf("container %s is named by %s: without it %s; change or remove that reference first", e.container, e.ref.where, e.ref.needs)
}

// deletionsUnnamed returns why one of the resolved edits deletes a container of template t
// that something else names, or nil.
func deletionsUnnamed(t podTemplate, rs []resolved) error {
	for _, r := range rs {
		if r.edit.Op != OpDelete || len(r.above) == 0 || !isContainerList(t.spec, r.above[len(r.above)-1]) {
			continue
		}
		name := scalar(r.node, "name")
		for _, ref := range containerRefs(t, r.node) {
			if ref.name == name {
				return errNamed{name, ref}
			}
		}
	}
	return nil
}

// isContainerList reports whether list is the containers or initContainers of spec.
func isContainerList(spec, list *yaml.Node) bool {
	return list != nil && (list == lookup(spec, "containers") || list == lookup(spec, "initContainers"))
}

// referencesResolve checks, for the final check, that every container that a reference of
// out names and that in had is still in out.
func referencesResolve(in, out podTemplate) error {
	had, has := map[string]bool{}, map[string]bool{}
	for _, n := range containerNodes(in.spec) {
		had[scalar(n, "name")] = true
	}
	for _, n := range containerNodes(out.spec) {
		has[scalar(n, "name")] = true
	}
	for _, ref := range containerRefs(out, nil) {
		if had[ref.name] && !has[ref.name] {
			return fmt.Errorf("container %s was deleted, and %s still names it", ref.name, ref.where)
		}
	}
	return nil
}
