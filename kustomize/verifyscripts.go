package kustomize

import (
	"bytes"
	"regexp"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A migration may edit the script a ConfigMap holds (package kio reads the ConfigMap scripts
// of a stream, and a configMapGenerator's file): what the build before should become is then
// the build migrated as one stream, not object by object, and a generated ConfigMap whose
// content changed has a new name (its hash suffix), in the ConfigMap and in every reference
// kustomize wrote to it.

// hashSuffix is the suffix kustomize adds to a generated ConfigMap's name.
var hashSuffix = regexp.MustCompile(`-[a-z0-9]{10}$`)

// withScripts returns the objects built before with the ConfigMaps as the migration of the
// whole build writes them, renamed as built after when only their content hash changed.
func (p *Plan) withScripts(before, after []*yaml.Node) []*yaml.Node {
	var buf bytes.Buffer
	hasMap := false
	for i, n := range before {
		if str(n, "kind") == "ConfigMap" {
			hasMap = true
		}
		if i > 0 {
			buf.WriteString("---\n")
		}
		out, err := yaml.Marshal(n)
		if err != nil {
			return before
		}
		buf.Write(out)
	}
	if !hasMap {
		return before
	}
	r := kio.File("kustomize build", buf.Bytes(), p.opts)
	docs, err := kio.ParseDocuments("kustomize build", r.After)
	if r.Err != nil || err != nil || len(docs) != len(before) {
		return before
	}
	out := make([]*yaml.Node, len(before))
	copy(out, before)
	renames := map[string]string{}
	for i, d := range docs {
		n := root(d.Node)
		if str(n, "kind") != "ConfigMap" || equal(n, before[i]) {
			continue
		}
		// Only a script the repository's migration edited the same way: one it left as it
		// is (in another file than its workload, say) is what the build after holds.
		if to := renamed(n, after); to != "" {
			out[i], renames[str(get(n, "metadata"), "name")] = n, to
		} else if builtAs(n, after) {
			out[i] = n
		}
	}
	if len(renames) > 0 {
		for i, n := range out {
			out[i] = yaml.CopyYNode(n)
			rename(out[i], renames)
		}
	}
	return out
}

// renamed returns the name, built after, of a generated ConfigMap whose content changed: the
// ConfigMap of the same namespace, name but for the hash, and data.
func renamed(cm *yaml.Node, after []*yaml.Node) string {
	md := get(cm, "metadata")
	name := str(md, "name")
	if !hashSuffix.MatchString(name) {
		return ""
	}
	stem := hashSuffix.ReplaceAllString(name, "")
	for _, a := range after {
		amd := get(a, "metadata")
		an := str(amd, "name")
		if str(a, "kind") == "ConfigMap" && an != name && hashSuffix.MatchString(an) && hashSuffix.ReplaceAllString(an, "") == stem &&
			str(amd, "namespace") == str(md, "namespace") && equal(get(a, "data"), get(cm, "data")) {
			return an
		}
	}
	return ""
}

// rename replaces every scalar that is one of the old names.
func rename(n *yaml.Node, renames map[string]string) {
	if n.Kind == yaml.ScalarNode {
		if to, ok := renames[n.Value]; ok {
			n.Value = to
		}
	}
	for _, c := range n.Content {
		rename(c, renames)
	}
}

// builtAs reports whether the build after holds n as it is.
func builtAs(n *yaml.Node, after []*yaml.Node) bool {
	for _, a := range after {
		if objectID(a) == objectID(n) {
			return equal(a, n)
		}
	}
	return false
}
