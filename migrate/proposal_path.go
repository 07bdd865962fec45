package migrate

import (
	"fmt"
	"strconv"

	"github.com/sidecar-migrate/sidecar-migrate/internal/textedit"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Addressing: a proposal's edits name their nodes by path, so that the same proposal can be
// applied to any copy of the pod.

// Path addresses a node of a pod template in any copy of it: from the pod spec, or from
// the mapping that holds the template's Holder-th metadata when Holder > 0 (1-based, so the
// zero Path starts at the spec).
type Path struct {
	Holder int
	Steps  []Step
}

// Step is one step of a Path: a mapping key, a list item by its name, a container by name
// (in containers or initContainers: a move does not change the path), or a list index.
type Step struct {
	Key       string
	Name      string
	Container string
	Index     int // used when the others are ""
}

// inContainer returns the path of a field of a container.
func inContainer(name string, steps ...Step) Path {
	return Path{Steps: append([]Step{{Container: name}}, steps...)}
}

func key(k string) Step     { return Step{Key: k} }
func named(n string) Step   { return Step{Name: n} }
func index(i int) Step      { return Step{Index: i} }
func inSpec(s ...Step) Path { return Path{Steps: s} }

func (p Path) String() string {
	s := "spec"
	if p.Holder > 0 {
		s = "metadata holder " + strconv.Itoa(p.Holder)
	}
	for _, st := range p.Steps {
		switch {
		case st.Container != "":
			s += ".container[" + st.Container + "]"
		case st.Key != "":
			s += "." + st.Key
		case st.Name != "":
			s += "[name=" + st.Name + "]"
		default:
			s += "[" + strconv.Itoa(st.Index) + "]"
		}
	}
	return s
}

// resolved is an Edit's node in one tree, with the chain of collections above it.
type resolved struct {
	edit  Edit
	node  *yaml.Node
	above []*yaml.Node // the root first, the node's parent last
}

// resolve finds the node of a path in template t.
func resolve(t podTemplate, p Path) (resolved, error) {
	at := t.spec
	if p.Holder > 0 {
		if p.Holder > len(t.holders) {
			return resolved{}, fmt.Errorf("no metadata holder %d", p.Holder)
		}
		at = t.holders[p.Holder-1]
	}
	var above []*yaml.Node
	for _, st := range p.Steps {
		above = append(above, at)
		var next *yaml.Node
		switch {
		case st.Container != "":
			for _, list := range []string{"containers", "initContainers"} {
				for _, c := range seqItems(lookup(at, list)) {
					if scalar(c, "name") == st.Container {
						next = c
						above = append(above, lookup(at, list))
					}
				}
			}
		case st.Key != "":
			if at.Kind == yaml.MappingNode {
				next = lookup(at, st.Key)
			}
		case st.Name != "":
			for _, item := range seqItems(at) {
				if scalar(item, "name") == st.Name && next == nil {
					next = item
				}
			}
		default:
			if items := seqItems(at); st.Index >= 0 && st.Index < len(items) {
				next = items[st.Index]
			}
		}
		if next == nil {
			return resolved{}, fmt.Errorf("%s: no such node", p)
		}
		at = next
	}
	return resolved{node: at, above: above}, nil
}

// pathOf returns the path of node n in template t: from the pod spec, or from a metadata
// holder; a container by name, an item of a list of named mappings by its name, any other
// item by index. ok is false when n is not in t.
func pathOf(t podTemplate, n *yaml.Node) (Path, bool) {
	if steps, ok := stepsTo(t.spec, n, true); ok {
		return Path{Steps: steps}, true
	}
	for i, h := range t.holders {
		if steps, ok := stepsTo(h, n, false); ok {
			return Path{Holder: i + 1, Steps: steps}, true
		}
	}
	return Path{}, false
}

// stepsTo returns the steps from at down to n; spec says at is a pod spec, whose containers
// are named by Container steps.
func stepsTo(at, n *yaml.Node, spec bool) ([]Step, bool) {
	if at == n {
		return nil, true
	}
	switch at.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(at.Content); i += 2 {
			k, v := at.Content[i].Value, at.Content[i+1]
			if spec && (k == "containers" || k == "initContainers") {
				for _, c := range seqItems(v) {
					if rest, ok := stepsTo(c, n, false); ok && scalar(c, "name") != "" {
						return append([]Step{{Container: scalar(c, "name")}}, rest...), true
					}
				}
			}
			if rest, ok := stepsTo(v, n, false); ok {
				return append([]Step{key(k)}, rest...), true
			}
		}
	case yaml.SequenceNode:
		for i, item := range at.Content {
			if rest, ok := stepsTo(item, n, false); ok {
				if name := scalar(item, "name"); name != "" && item.Kind == yaml.MappingNode && uniqueName(at, name) {
					return append([]Step{named(name)}, rest...), true
				}
				return append([]Step{index(i)}, rest...), true
			}
		}
	}
	return nil, false
}

// uniqueName reports whether one item of list is named name.
func uniqueName(list *yaml.Node, name string) bool {
	n := 0
	for _, item := range list.Content {
		if scalar(item, "name") == name {
			n++
		}
	}
	return n == 1
}

// edit returns e addressed to node n of template t, read by a family; a node not in t gets
// a path to nothing, which accept reports and drops.
func edit(t podTemplate, n *yaml.Node, e Edit) Edit {
	p, ok := pathOf(t, n)
	if !ok {
		p = Path{Steps: []Step{key("\x00 a node outside the pod")}}
	}
	e.Path = p
	return e
}

// textChange returns the one text edit that turns old into new: the bytes between their
// common prefix and suffix.
func textChange(old, new string) textedit.Edit {
	p := 0
	for p < len(old) && p < len(new) && old[p] == new[p] {
		p++
	}
	s := 0
	for s < len(old)-p && s < len(new)-p && old[len(old)-1-s] == new[len(new)-1-s] {
		s++
	}
	return textedit.Edit{From: p, To: len(old) - s, Text: new[p : len(new)-s]}
}
