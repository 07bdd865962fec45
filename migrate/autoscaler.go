package migrate

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ContainerRef is a container named by another object, such as an autoscaler's per-container
// metric or policy.
type ContainerRef struct {
	Line      int      // of the reference, in the referring document
	Referrer  Resource // the autoscaler
	Target    Resource // the workload it scales (Kind and Name; same namespace)
	Container string
	What      string // "ContainerResource metric", "containerPolicies entry"
	Field     string // of the reference, as in Finding.Field
}

// MovedContainer is a container that Migrate moved to initContainers.
type MovedContainer struct {
	Resource  Resource
	Container string
}

// ContainerRefs returns the containers named by a HorizontalPodAutoscaler's ContainerResource
// metrics or a VerticalPodAutoscaler's containerPolicies in doc.
func ContainerRefs(doc *yaml.RNode) []ContainerRef {
	root := doc.YNode()
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	kind := scalar(root, "kind")
	referrer := Resource{APIVersion: scalar(root, "apiVersion"), Kind: kind, Name: scalar(lookup(root, "metadata"), "name"), Namespace: scalar(lookup(root, "metadata"), "namespace")}
	spec := lookup(root, "spec")
	var refs []ContainerRef
	// field formats the path of the i-th item's reference to container c.
	add := func(targetKey string, items *yaml.Node, container func(*yaml.Node) *yaml.Node, what string, field func(i int, c string) string) {
		target := lookup(spec, targetKey)
		if items == nil || items.Kind != yaml.SequenceNode {
			return
		}
		for i, item := range items.Content {
			if c := container(item); c != nil && c.Kind == yaml.ScalarNode && c.Value != "*" {
				refs = append(refs, ContainerRef{Line: c.Line, Referrer: referrer, Container: c.Value, What: what, Field: field(i, c.Value),
					Target: Resource{Kind: scalar(target, "kind"), Name: scalar(target, "name"), Namespace: referrer.Namespace}})
			}
		}
	}
	switch kind {
	case "HorizontalPodAutoscaler":
		add("scaleTargetRef", lookup(spec, "metrics"), func(m *yaml.Node) *yaml.Node { return lookupPath(m, "containerResource", "container") }, "ContainerResource metric",
			func(i int, _ string) string { return fmt.Sprintf("spec.metrics[%d].containerResource.container", i) })
	case "VerticalPodAutoscaler":
		add("targetRef", lookupPath(spec, "resourcePolicy", "containerPolicies"), func(p *yaml.Node) *yaml.Node { return lookup(p, "containerName") }, "containerPolicies entry",
			func(_ int, c string) string { return "spec.resourcePolicy.containerPolicies[containerName=" + c + "]" })
	}
	return refs
}

// Key identifies a container of a workload for matching references: kind, namespace, name
// and container.
func (m MovedContainer) Key() string {
	return containerKey(m.Resource.Kind, m.Resource.Namespace, m.Resource.Name, m.Container)
}

// Key is the key of the container the reference names, comparable with MovedContainer.Key.
func (r ContainerRef) Key() string {
	return containerKey(r.Target.Kind, r.Target.Namespace, r.Target.Name, r.Container)
}

func containerKey(kind, namespace, name, container string) string {
	return kind + "/" + namespace + "/" + name + "/" + container
}

// AutoscalerFinding returns the warning for a reference to a container that moved.
func AutoscalerFinding(ref ContainerRef) Finding {
	return Finding{Rule: ruleAutoscaler.ID, Severity: Warning, Line: ref.Line, Column: 1, Resource: ref.Referrer, Container: ref.Container, Field: ref.Field,
		Message: fmt.Sprintf("its %s names %s, which moved to initContainers in %s; check that the autoscaler still treats it as intended", ref.What, ref.Container, ref.Target)}
}
