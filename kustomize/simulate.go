package kustomize

import (
	"fmt"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/kustomize/kyaml/yaml/merge2"
)

// applyStrategicMerge merges a strategic-merge patch document into obj with the engine
// and options kustomize uses, and returns the result; obj and patch are not modified.
func applyStrategicMerge(obj, patch *yaml.Node) (*yaml.Node, error) {
	n, err := smpMerge(obj, patch)
	if observeMerge != nil {
		observeMerge(obj, patch, n, err)
	}
	return n, err
}

// observeMerge, set by tests, sees every strategic merge of the plan and its result.
var observeMerge func(obj, patch, got *yaml.Node, err error)

// smpMerge merges the patch into the fields of obj it names (prune.go), by fastMerge when
// it handles the shape, else by kyaml's merge; a patch with directives is merged whole.
func smpMerge(obj, patch *yaml.Node) (*yaml.Node, error) {
	if obj.Kind == yaml.MappingNode && patch.Kind == yaml.MappingNode && !hasDirective(patch) {
		dest := yaml.CopyYNode(obj)
		fields := prune(dest, patch, nil, nil)
		if fastMerge(dest, yaml.CopyYNode(patch)) {
			keepIdentity(dest, obj)
			if graft(dest, fields) {
				return dest, nil
			}
		} else {
			dest = yaml.CopyYNode(obj)
			fields = prune(dest, patch, nil, nil)
			n, err := strategicMerge(obj, dest, patch)
			if err != nil || graft(n, fields) {
				return n, err
			}
		}
	}
	return strategicMerge(obj, yaml.CopyYNode(obj), patch)
}

// strategicMerge merges the patch into dest, a copy of obj or of some of its fields, with
// kyaml.
func strategicMerge(obj, dest, patch *yaml.Node) (*yaml.Node, error) {
	kyamlMu.Lock() // kyaml loads its schema into globals
	defer kyamlMu.Unlock()
	out, err := merge2.Merge(yaml.NewRNode(yaml.CopyYNode(patch)), yaml.NewRNode(dest), yaml.MergeOptions{ListIncreaseDirection: yaml.MergeOptionsListPrepend})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, fmt.Errorf("the patch deletes the object")
	}
	n := out.YNode()
	keepIdentity(n, obj)
	return n, nil
}

var kyamlMu sync.Mutex

// keepIdentity gives the merged n the kind, name and namespace of obj: kustomize keeps the
// object's identity whatever a patch with a target says.
func keepIdentity(n, obj *yaml.Node) {
	kind, name, ns := str(obj, "kind"), str(get(obj, "metadata"), "name"), str(get(obj, "metadata"), "namespace")
	setStr(n, "kind", kind)
	if md := get(n, "metadata"); md != nil {
		setStr(md, "name", name)
		if ns != "" {
			setStr(md, "namespace", ns)
		}
	}
}

func setStr(m *yaml.Node, key, value string) {
	if v := get(m, key); v != nil {
		v.Kind, v.Tag, v.Value, v.Content = yaml.ScalarNode, "!!str", value, nil
		return
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value})
}

// applyImages rewrites container images as kustomize's images transformer does: an image
// whose name (without tag or digest) is an entry's name gets the entry's new name, tag or
// digest.
func applyImages(obj *yaml.Node, specs []*yaml.Node, images []image) {
	for _, spec := range specs {
		for _, list := range []string{"initContainers", "containers"} {
			for _, c := range items(get(spec, list)) {
				v := get(c, "image")
				if v == nil || v.Kind != yaml.ScalarNode {
					continue
				}
				v.Value = rewriteImage(v.Value, images)
			}
		}
	}
}

func rewriteImage(ref string, images []image) string {
	name, tag, digest := splitImage(ref)
	for _, im := range images {
		if im.Name != name {
			continue
		}
		if im.NewName != "" {
			name = im.NewName
		}
		switch {
		case im.Digest != "":
			tag, digest = "", im.Digest
		case im.NewTag != "":
			tag, digest = im.NewTag, ""
		}
		break
	}
	out := name
	if tag != "" {
		out += ":" + tag
	}
	if digest != "" {
		out += "@" + digest
	}
	return out
}

// splitImage splits an image reference into name, tag and digest.
func splitImage(ref string) (name, tag, digest string) {
	name = ref
	if i := strings.IndexByte(name, '@'); i >= 0 {
		name, digest = name[:i], name[i+1:]
	}
	if i := strings.LastIndexByte(name, ':'); i > strings.LastIndexByte(name, '/') {
		name, tag = name[:i], name[i+1:]
	}
	return name, tag, digest
}
