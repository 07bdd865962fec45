package kustomize

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kyaml's strategic merge walks every field of the object, most of which a patch does not
// name, and allocates for each (about a megabyte a merge of a small Deployment). A field
// the patch does not name comes out of the merge as it went in, so the merge is given only
// the fields the patch names, down the mappings both hold, and the others are put back
// after it, unless they hold what the merge would change (a null, which it drops). A patch with a $ directive (which can drop fields it does not name) is merged
// whole.

// prunedField is a field taken out of a mapping of the object before the merge.
type prunedField struct {
	path       []string // the keys of the mapping from the object's root
	key, value *yaml.Node
}

// prune removes from the mapping obj (a copy, which it edits) the fields that the patch
// does not name, except the root's apiVersion and kind, which choose the merge's schema.
func prune(obj, patch *yaml.Node, path []string, out []prunedField) []prunedField {
	kept := obj.Content[:0:0]
	for i := 0; i+1 < len(obj.Content); i += 2 {
		k, v := obj.Content[i], obj.Content[i+1]
		pv := get(patch, k.Value)
		switch {
		case pv == nil && plain(v) && !(len(path) == 0 && (k.Value == "apiVersion" || k.Value == "kind")):
			out = append(out, prunedField{path: path, key: k, value: v})
			continue
		case pv != nil && pv.Kind == yaml.MappingNode && v.Kind == yaml.MappingNode:
			out = prune(v, pv, append(path[:len(path):len(path)], k.Value), out)
		}
		kept = append(kept, k, v)
	}
	obj.Content = kept
	return out
}

// plain reports whether the merge leaves a subtree the patch does not name as it is: it
// holds no null, which the merge drops, and no alias or anchor.
func plain(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode || n.Anchor != "" || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return false
	}
	for _, c := range n.Content {
		if !plain(c) {
			return false
		}
	}
	return true
}

// graft puts the pruned fields back into the merged object; it reports false when a
// mapping they came from is no longer there.
func graft(obj *yaml.Node, fields []prunedField) bool {
	for _, f := range fields {
		m := obj
		for _, k := range f.path {
			if m = get(m, k); m == nil || m.Kind != yaml.MappingNode {
				return false
			}
		}
		if get(m, f.key.Value) != nil {
			return false
		}
		m.Content = append(m.Content, f.key, f.value)
	}
	return true
}

// hasDirective reports whether a patch holds a key of kustomize's patch directives.
func hasDirective(n *yaml.Node) bool {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if strings.HasPrefix(n.Content[i].Value, "$") {
				return true
			}
		}
	}
	for _, c := range n.Content {
		if hasDirective(c) {
			return true
		}
	}
	return false
}
