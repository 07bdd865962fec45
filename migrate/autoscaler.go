package migrate

import (
	"fmt"
	"hash/fnv"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ContainerRef is a container named by another object, such as an autoscaler's per-container
// metric or policy.
type ContainerRef struct {
	Line      int // of the reference, in the referring document
	Column    int
	Referrer  Resource // the autoscaler
	Target    Resource // the workload it scales (Kind and Name; same namespace)
	Container string
	What      string // "ContainerResource metric", "containerPolicies entry"
	Effect    string // what the move changes for the autoscaler
	Field     string // of the reference, as in Finding.Field
}

// MovedContainer is a container that Migrate moved to initContainers.
type MovedContainer struct {
	Resource  Resource
	Container string
	// Quiet is set when the workload silences autoscaler-container with the ignore
	// annotation: autoscalers that name the container get no warning.
	Quiet bool
}

// ContainerRefs returns the containers named by a HorizontalPodAutoscaler's ContainerResource
// metrics or a VerticalPodAutoscaler's containerPolicies in doc.
func ContainerRefs(doc *yaml.RNode) []ContainerRef {
	root := doc.YNode()
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	kind, md := scalar(root, "kind"), lookup(root, "metadata")
	if (podTemplate{metadata: []*yaml.Node{md}}).annotationList(AnnotationIgnore)[ruleAutoscaler.ID] {
		return nil
	}
	referrer := Resource{APIVersion: scalar(root, "apiVersion"), Kind: kind, Name: scalar(md, "name"), Namespace: scalar(md, "namespace")}
	spec := lookup(root, "spec")
	var refs []ContainerRef
	// field formats the path of the i-th item's reference to container c.
	add := func(targetKey string, items *yaml.Node, container func(*yaml.Node) *yaml.Node, what, effect string, field func(i int, c string) string) {
		target := lookup(spec, targetKey)
		if items == nil || items.Kind != yaml.SequenceNode {
			return
		}
		for i, item := range items.Content {
			if c := container(item); c != nil && c.Kind == yaml.ScalarNode && c.Value != "*" {
				refs = append(refs, ContainerRef{Line: c.Line, Column: c.Column, Referrer: referrer, Container: c.Value, What: what, Effect: effect, Field: field(i, c.Value),
					Target: Resource{Kind: scalar(target, "kind"), Name: scalar(target, "name"), Namespace: referrer.Namespace}})
			}
		}
	}
	switch kind {
	case "HorizontalPodAutoscaler":
		add("scaleTargetRef", lookup(spec, "metrics"), func(m *yaml.Node) *yaml.Node { return lookupPath(m, "containerResource", "container") }, "ContainerResource metric",
			"the HPA controller counts a native sidecar's request from Kubernetes 1.29 on, and the metrics pipeline (metrics-server or an adapter) must report init containers",
			func(i int, _ string) string { return fmt.Sprintf("spec.metrics[%d].containerResource.container", i) })
	case "VerticalPodAutoscaler":
		add("targetRef", lookupPath(spec, "resourcePolicy", "containerPolicies"), func(p *yaml.Node) *yaml.Node { return lookup(p, "containerName") }, "containerPolicies entry",
			"the VPA skips init containers unless its NativeSidecar feature gate is on, so the sidecar gets no recommendation and the policy no longer applies",
			func(_ int, c string) string { return "spec.resourcePolicy.containerPolicies[containerName=" + c + "]" })
	}
	return refs
}

// MovedSet is the set of containers moved over a whole input set, for the warnings about
// autoscalers that name them: an autoscaler and its workload are often in different
// documents or files. Containers are kept as 64-bit hashes, so memory stays flat on large
// trees. The zero value is an empty set.
type MovedSet struct {
	keys map[uint64]bool
}

// Add adds the containers that one Migrate call (or one file) moved.
func (s *MovedSet) Add(moved ...MovedContainer) {
	for _, m := range moved {
		if m.Quiet {
			continue
		}
		if s.keys == nil {
			s.keys = map[uint64]bool{}
		}
		r := m.Resource
		s.keys[hashKey(r.Kind, r.Namespace, r.Name, m.Container)] = true
		s.keys[hashKey(r.Kind, anyNamespace, r.Name, m.Container)] = true
	}
}

// anyNamespace stands for every namespace in MovedSet keys. A namespace missing on one side
// is often set at deploy time (kubectl -n, kustomize), so it matches any namespace.
const anyNamespace = "*"

// has reports whether ref names a container of the set.
func (s *MovedSet) has(ref ContainerRef) bool {
	t := ref.Target
	if t.Namespace == "" {
		return s.keys[hashKey(t.Kind, anyNamespace, t.Name, ref.Container)]
	}
	return s.keys[hashKey(t.Kind, t.Namespace, t.Name, ref.Container)] || s.keys[hashKey(t.Kind, "", t.Name, ref.Container)]
}

// AutoscalerFindings returns a warning for each reference that names a moved container,
// unless opts disable the rule. Call it once every document of the input set has been
// migrated and added.
func (s *MovedSet) AutoscalerFindings(refs []ContainerRef, opts Options) []Finding {
	if opts.disabled(ruleAutoscaler.ID) {
		return nil
	}
	var out []Finding
	for _, ref := range refs {
		if s.has(ref) {
			out = append(out, autoscalerFinding(ref))
		}
	}
	return out
}

func hashKey(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// autoscalerFinding returns the warning for a reference to a container that moved.
func autoscalerFinding(ref ContainerRef) Finding {
	return Finding{Rule: ruleAutoscaler.ID, Severity: Warning, Line: ref.Line, Column: ref.Column, Resource: ref.Referrer, Container: ref.Container, Field: ref.Field,
		Message: fmt.Sprintf("its %s names %s, which moved to initContainers in %s: %s", ref.What, ref.Container, ref.Target, ref.Effect)}
}
