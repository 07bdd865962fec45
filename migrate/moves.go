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
