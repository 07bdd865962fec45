package migrate

import "sigs.k8s.io/kustomize/kyaml/yaml"

// Move says how Migrate rearranged the containers of one pod template: where every entry of
// containers and of initContainers went. Tools that edit other files addressing the pod's
// containers by position (a kustomize JSON 6902 patch on /spec/template/spec/containers/1)
// re-point them with it.
type Move struct {
	Resource Resource
	// Field is the path of the pod spec in the object, as in Finding.Field:
	// "spec.template.spec".
	Field string
	// Containers[i] is where the container that was at index i of containers is now, moved
	// or not; InitContainers[i] the same for initContainers, whose entries shift when
	// sidecars are placed before them.
	Containers, InitContainers []Place
}

// Place is the position of a container after the migration.
type Place struct {
	Name  string
	Init  bool // in initContainers; otherwise in containers
	Index int
}

// Moved returns the names of the containers that went from containers to initContainers.
func (m Move) Moved() []string {
	var names []string
	for _, p := range m.Containers {
		if p.Init {
			names = append(names, p.Name)
		}
	}
	return names
}

// rearrangement records where the containers and init containers of a pod spec went, given
// the lists as they were before the move.
func rearrangement(t podTemplate, containers, inits []container) Move {
	mv := Move{Resource: t.resource, Field: t.path}
	place := func(c container) Place {
		for _, list := range []struct {
			key  string
			init bool
		}{{"containers", false}, {"initContainers", true}} {
			if n := lookup(t.spec, list.key); n != nil {
				for i, item := range n.Content {
					if item == c.node {
						return Place{Name: c.name, Init: list.init, Index: i}
					}
				}
			}
		}
		return Place{Name: c.name, Index: -1}
	}
	for _, c := range containers {
		mv.Containers = append(mv.Containers, place(c))
	}
	for _, c := range inits {
		mv.InitContainers = append(mv.InitContainers, place(c))
	}
	return mv
}

// skipped reports whether the options list the object among those to leave alone.
func (o Options) skipped(r Resource) bool {
	for _, s := range o.Skip {
		if s == r {
			return true
		}
	}
	return false
}

// PodSpec is a pod spec that Migrate looks at in an object.
type PodSpec struct {
	Field string // its path in the object, as in Finding.Field: "spec.template.spec"
	Node  *yaml.Node
}

// PodSpecs returns the pod specs of obj (an object's mapping, or a List's) that Migrate
// looks at with opts.
func PodSpecs(obj *yaml.Node, opts Options) []PodSpec {
	if obj.Kind == yaml.DocumentNode && len(obj.Content) == 1 {
		obj = obj.Content[0]
	}
	var specs []PodSpec
	for _, t := range findPodTemplates(obj, "", opts) {
		specs = append(specs, PodSpec{Field: t.path, Node: t.spec})
	}
	return specs
}

// listHas reports whether a containers list holds a container named name.
func listHas(list *yaml.Node, name string) bool {
	if list == nil {
		return false
	}
	for _, c := range list.Content {
		if scalar(c, "name") == name {
			return true
		}
	}
	return false
}

func containsNode(list []container, n *yaml.Node) bool {
	for _, c := range list {
		if c.node == n {
			return true
		}
	}
	return false
}

// moveToInit moves the containers, in order, from containers to initContainers, creating
// initContainers just before containers when it is missing.
func moveToInit(spec *yaml.Node, moving []container, placement Placement) {
	containers := lookup(spec, "containers")
	init := lookup(spec, "initContainers")
	if init == nil || init.Kind != yaml.SequenceNode {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		if init != nil { // initContainers: null
			*init = *seq
		} else {
			init = seq
			key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "initContainers"}
			at := indexOfKey(spec, "containers")
			spec.Content = append(spec.Content[:at], append([]*yaml.Node{key, init}, spec.Content[at:]...)...)
		}
	}
	if len(init.Content) == 0 {
		// A new or empty list ("initContainers: []") takes the style of containers.
		init.Style = containers.Style & yaml.FlowStyle
	}
	for i, c := range moving {
		containers.Content = removeNode(containers.Content, c.node)
		at := len(init.Content)
		if placement == BeforeInit {
			at = i
		}
		init.Content = append(init.Content[:at], append([]*yaml.Node{c.node}, init.Content[at:]...)...)
		setRestartPolicy(c.node)
	}
}

// setRestartPolicy sets restartPolicy: Always on a container, right after its name.
func setRestartPolicy(c *yaml.Node) {
	if v := lookup(c, "restartPolicy"); v != nil && (isPlainAlways(v) || keepsPolicyNode(v)) {
		setAlways(v)
		return
	}
	dropKey(c, "restartPolicy")
	at := restartPolicyIndex(c)
	kv := []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "restartPolicy"},
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "Always"},
	}
	c.Content = append(c.Content[:at], append(kv, c.Content[at:]...)...)
}

// restartPolicyIndex is where restartPolicy goes in container c: where sorting puts it when
// c's keys are sorted (as kubectl get -o yaml, istioctl kube-inject and kustomize write
// them), else right after name. Two keys say too little to call an order sorted.
func restartPolicyIndex(c *yaml.Node) int {
	if !keysSorted(c) || len(c.Content) < 6 {
		return indexOfKey(c, "name") + 2
	}
	for i := 0; i+1 < len(c.Content); i += 2 {
		if c.Content[i].Value > "restartPolicy" {
			return i
		}
	}
	return len(c.Content)
}

// keysSorted reports whether the keys of mapping m are in strictly ascending order.
func keysSorted(m *yaml.Node) bool {
	for i := 2; i+1 < len(m.Content); i += 2 {
		if m.Content[i-2].Value >= m.Content[i].Value {
			return false
		}
	}
	return true
}

// indexOfKey returns the index in m.Content of key's key node.
func indexOfKey(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return len(m.Content)
}

// removeNode returns list without n, in a new slice: callers may be ranging over list.
func removeNode(list []*yaml.Node, n *yaml.Node) []*yaml.Node {
	out := make([]*yaml.Node, 0, len(list))
	for _, x := range list {
		if x != n {
			out = append(out, x)
		}
	}
	return out
}
