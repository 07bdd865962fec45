package kustomize

import "strings"

// The strategic merge of kustomize (kyaml's merge2) merges a list by key only where the
// OpenAPI schema of the object's type says so (patch strategy "merge"); every other list, and
// every list of a type without a schema, is replaced whole by the patch's. These are those
// lists for the workload types the plan merges itself, as kyaml's built-in schema
// (Kubernetes 1.21.2) gives them; TestMergeSchemaMatchesKyaml checks them against it. A
// list with no keys merges its scalar items as a set (finalizers): the plan's merge leaves
// those to kyaml.

// podSpecLists are the associative lists under a pod spec, with their keys.
var podSpecLists = []string{
	"containers name", "containers[].env name", "containers[].ports containerPort,protocol",
	"containers[].volumeDevices devicePath", "containers[].volumeMounts mountPath",
	"initContainers name", "initContainers[].env name", "initContainers[].ports containerPort,protocol",
	"initContainers[].volumeDevices devicePath", "initContainers[].volumeMounts mountPath",
	"ephemeralContainers name", "ephemeralContainers[].env name",
	"ephemeralContainers[].volumeDevices devicePath", "ephemeralContainers[].volumeMounts mountPath",
	"hostAliases ip", "imagePullSecrets name", "topologySpreadConstraints topologyKey,whenUnsatisfiable",
	"volumes name", "volumes[].ephemeral.volumeClaimTemplate.metadata.finalizers",
	"volumes[].ephemeral.volumeClaimTemplate.metadata.ownerReferences uid",
}

// metadataLists are the associative lists of an ObjectMeta.
var metadataLists = []string{"finalizers", "ownerReferences uid"}

// mergeTypes maps apiVersion/kind to the paths of the object's metadata, pod spec and other
// associative lists.
var mergeTypes = map[string]mergeType{
	"v1/Pod":             {meta: []string{"metadata"}, pod: "spec", other: []string{"status.conditions type", "status.podIPs ip"}},
	"apps/v1/Deployment": templated("spec.template", "status.conditions type"),
	"apps/v1/DaemonSet":  templated("spec.template", "status.conditions type"),
	"apps/v1/ReplicaSet": templated("spec.template", "status.conditions type"),
	"batch/v1/Job":       templated("spec.template", "status.conditions type"),
	"batch/v1/CronJob":   {meta: []string{"metadata", "spec.jobTemplate.metadata", "spec.jobTemplate.spec.template.metadata"}, pod: "spec.jobTemplate.spec.template.spec"},
	"apps/v1/StatefulSet": func() mergeType {
		t := templated("spec.template", "status.conditions type", "spec.volumeClaimTemplates[].status.conditions type")
		t.meta = append(t.meta, "spec.volumeClaimTemplates[].metadata")
		return t
	}(),
}

type mergeType struct {
	meta  []string // paths of ObjectMeta
	pod   string   // path of the pod spec
	other []string // other associative lists, with their keys
}

func templated(template string, other ...string) mergeType {
	return mergeType{meta: []string{"metadata", template + ".metadata"}, pod: template + ".spec", other: other}
}

// lists returns every associative list of the type as "path keys", keys separated by commas.
func (t mergeType) lists() []string {
	var out []string
	for _, m := range t.meta {
		for _, l := range metadataLists {
			out = append(out, m+"."+l)
		}
	}
	for _, l := range podSpecLists {
		out = append(out, t.pod+"."+l)
	}
	return append(out, t.other...)
}

// mergeSchema is the part of a type's schema the merge needs: where the associative lists
// are. A nil *mergeSchema is a field with no associative list below it.
type mergeSchema struct {
	fields map[string]*mergeSchema
	elem   *mergeSchema // of a list's items
	list   bool         // an associative list
	keys   []string     // its merge keys
}

func (s *mergeSchema) field(name string) *mergeSchema {
	if s == nil {
		return nil
	}
	return s.fields[name]
}

// mergeSchemas are the schemas of mergeTypes, by apiVersion/kind.
var mergeSchemas = func() map[string]*mergeSchema {
	out := map[string]*mergeSchema{}
	for typ, t := range mergeTypes {
		root := &mergeSchema{}
		for _, l := range t.lists() {
			path, keys, _ := strings.Cut(l, " ")
			n := root
			for _, part := range strings.Split(path, ".") {
				name, elems := strings.CutSuffix(part, "[]")
				if n.fields == nil {
					n.fields = map[string]*mergeSchema{}
				}
				if n.fields[name] == nil {
					n.fields[name] = &mergeSchema{}
				}
				n = n.fields[name]
				if elems {
					if n.elem == nil {
						n.elem = &mergeSchema{}
					}
					n = n.elem
				}
			}
			n.list = true
			if keys != "" {
				n.keys = strings.Split(keys, ",")
			}
		}
		out[typ] = root
	}
	return out
}()
