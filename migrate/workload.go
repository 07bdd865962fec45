package migrate

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Annotations that steer the migration, read from the workload's and the pod template's
// metadata.
const (
	AnnotationSidecars = "sidecar-migrate.io/sidecars" // "a,b": these containers are sidecars
	AnnotationKeep     = "sidecar-migrate.io/keep"     // "c": never move these containers
	AnnotationSkip     = "sidecar-migrate.io/skip"     // "true": leave the whole workload alone
	AnnotationIgnore   = "sidecar-migrate.io/ignore"   // "RULE,RULE": silence these rules (and their fixes) here
)

// podTemplate is one pod template found in a document.
type podTemplate struct {
	spec     *yaml.Node   // the pod spec mapping
	path     string       // field path of the pod spec, e.g. "spec.template.spec"
	metadata []*yaml.Node // metadata mappings whose annotations apply, outermost first
	own      *yaml.Node   // the pod template's own metadata, or nil
	holders  []*yaml.Node // the mapping that holds each of metadata
	resource Resource
	// runToCompletion is true for Jobs, CronJobs and Pods that are not restarted, where a
	// legacy sidecar keeps the pod from completing.
	runToCompletion bool
	// lifecycleUnknown is true when the caller said the object's lifecycle cannot be known
	// (a patch without its base).
	lifecycleUnknown bool
}

// builtinPaths maps a kind to the metadata paths and the pod spec path, and the API groups the
// kind must come from (so a CRD that reuses a built-in kind name is left alone).
var builtinPaths = map[string]struct {
	groups    []string
	templates [][]string // paths to the mappings holding metadata and spec, outermost first
}{
	"Pod":                   {[]string{""}, [][]string{{}}},
	"PodTemplate":           {[]string{""}, [][]string{{}, {"template"}}},
	"ReplicationController": {[]string{""}, [][]string{{}, {"spec", "template"}}},
	"Deployment":            {[]string{"apps", "extensions"}, [][]string{{}, {"spec", "template"}}},
	"StatefulSet":           {[]string{"apps"}, [][]string{{}, {"spec", "template"}}},
	"DaemonSet":             {[]string{"apps", "extensions"}, [][]string{{}, {"spec", "template"}}},
	"ReplicaSet":            {[]string{"apps", "extensions"}, [][]string{{}, {"spec", "template"}}},
	"Job":                   {[]string{"batch"}, [][]string{{}, {"spec", "template"}}},
	"CronJob":               {[]string{"batch"}, [][]string{{}, {"spec", "jobTemplate"}, {"spec", "jobTemplate", "spec", "template"}}},
}

// resourceOf returns what an object's mapping says it is.
func resourceOf(obj *yaml.Node) Resource {
	md := lookup(obj, "metadata")
	return Resource{APIVersion: scalar(obj, "apiVersion"), Kind: scalar(obj, "kind"), Name: scalar(md, "name"), Namespace: scalar(md, "namespace")}
}

// findPodTemplates returns the pod templates of an object, or of every item of a List.
// prefix is the field path of obj in its document ("" for the document's root).
func findPodTemplates(obj *yaml.Node, prefix string, opts Options) []podTemplate {
	if obj == nil || obj.Kind != yaml.MappingNode {
		return nil
	}
	apiVersion, kind := scalar(obj, "apiVersion"), scalar(obj, "kind")
	if strings.HasSuffix(kind, "List") && apiVersion == "v1" {
		var all []podTemplate
		if items := lookup(obj, "items"); items != nil && items.Kind == yaml.SequenceNode {
			for i, item := range items.Content {
				all = append(all, findPodTemplates(item, fmt.Sprintf("%sitems[%d].", prefix, i), opts)...)
			}
		}
		return all
	}
	res := resourceOf(obj)
	var paths [][]string
	configured := false
	if b, ok := builtinPaths[kind]; ok && inGroups(apiVersion, b.groups) {
		paths = b.templates
	} else {
		for _, p := range opts.PodTemplatePaths {
			if p.Kind == kind && (p.APIVersion == "" || p.APIVersion == apiVersion) {
				paths = [][]string{{}, p.Path}
				configured = true
				break
			}
		}
	}
	if paths == nil {
		return nil
	}
	t := podTemplate{resource: res, runToCompletion: kind == "Job" || kind == "CronJob"}
	var holder *yaml.Node
	for _, p := range paths {
		if holder = lookupPath(obj, p...); holder == nil || holder.Kind != yaml.MappingNode {
			return nil
		}
		if md := lookup(holder, "metadata"); md != nil && md.Kind == yaml.MappingNode {
			t.metadata = append(t.metadata, md)
			t.holders = append(t.holders, holder)
		}
	}
	if md := lookup(holder, "metadata"); md != nil && md.Kind == yaml.MappingNode {
		t.own = md
	}
	t.spec = lookup(holder, "spec")
	t.path = prefix + strings.Join(append(append([]string{}, paths[len(paths)-1]...), "spec"), ".")
	if t.spec == nil || t.spec.Kind != yaml.MappingNode {
		return nil
	}
	if kind == "Pod" {
		p := scalar(t.spec, "restartPolicy")
		t.runToCompletion = p == "Never" || p == "OnFailure"
		// A Pod whose container has no image cannot be created: it is a patch (or an
		// injector's override), and its base decides the lifecycle.
		t.lifecycleUnknown = p == "" && lacksImage(t.spec)
	}
	// A custom kind's controller decides what happens when its containers exit.
	t.lifecycleUnknown = t.lifecycleUnknown || configured
	switch opts.Lifecycles[res] {
	case LongRunning:
		t.runToCompletion, t.lifecycleUnknown = false, false
	case RunToCompletion:
		t.runToCompletion, t.lifecycleUnknown = true, false
	case LifecycleUnknown:
		t.lifecycleUnknown = true
	}
	return []podTemplate{t}
}

// lacksImage reports whether a container of a pod spec has no image.
func lacksImage(spec *yaml.Node) bool {
	for _, list := range []string{"containers", "initContainers"} {
		for _, c := range seqItems(lookup(spec, list)) {
			if scalar(c, "image") == "" {
				return true
			}
		}
	}
	return false
}

func inGroups(apiVersion string, groups []string) bool {
	group, _, found := strings.Cut(apiVersion, "/")
	if !found {
		group = ""
	}
	for _, g := range groups {
		if g == group {
			return true
		}
	}
	return false
}

// annotation returns the value of an annotation on any of the template's metadata, the
// innermost winning.
func (t podTemplate) annotation(key string) (string, bool) {
	for i := len(t.metadata) - 1; i >= 0; i-- {
		if a := lookup(t.metadata[i], "annotations"); a != nil {
			if v := lookup(a, key); v != nil && v.Kind == yaml.ScalarNode {
				return v.Value, true
			}
		}
	}
	return "", false
}

// annotationList returns the comma-separated names of an annotation, from all metadata.
func (t podTemplate) annotationList(key string) map[string]bool {
	set := map[string]bool{}
	for _, md := range t.metadata {
		if a := lookup(md, "annotations"); a != nil {
			for _, n := range strings.Split(scalar(a, key), ",") {
				if n = strings.TrimSpace(n); n != "" {
					set[n] = true
				}
			}
		}
	}
	return set
}

// lookup returns the value of key in mapping m, or nil.
func lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// DuplicateKey returns the first scalar key of mapping m that is set twice, with the key it
// repeats, or nils. Merge keys (<<) are left to the parser. Kubernetes objects have a few
// keys to a mapping, so small mappings are compared pairwise rather than through a map.
func DuplicateKey(m *yaml.Node) (first, again *yaml.Node) {
	isKey := func(k *yaml.Node) bool { return k.Kind == yaml.ScalarNode && k.Tag != yaml.MergeTag }
	if len(m.Content) <= 32 {
		for j := 0; j < len(m.Content); j += 2 {
			k := m.Content[j]
			for i := 0; i < j && isKey(k); i += 2 {
				if prev := m.Content[i]; isKey(prev) && prev.Value == k.Value {
					return prev, k
				}
			}
		}
		return nil, nil
	}
	seen := make(map[string]*yaml.Node, len(m.Content)/2)
	for i := 0; i < len(m.Content); i += 2 {
		k := m.Content[i]
		if !isKey(k) {
			continue
		}
		if prev, ok := seen[k.Value]; ok {
			return prev, k
		}
		seen[k.Value] = k
	}
	return nil, nil
}

func lookupPath(m *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if m = lookup(m, k); m == nil {
			return nil
		}
	}
	return m
}

// scalar returns the value of a scalar field, or "".
func scalar(m *yaml.Node, key string) string {
	if v := lookup(m, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// boolField reports whether a boolean field of m is set. The API server reads manifests as
// YAML 1.1, where True, yes and on are true as well.
func boolField(m *yaml.Node, key string) bool {
	switch scalar(m, key) {
	case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y":
		return true
	}
	return false
}
