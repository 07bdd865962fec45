package migrate

import (
	"bytes"
	"path"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ConfigMaps of a repository: a workload's ConfigMap script may be in another file of the
// run. Matching a run to a ConfigMap across files takes every ConfigMap of the run into
// account, so that a name defined twice is never edited on a guess.

// ConfigMapDoc is a ConfigMap object of a document: its name and namespace as written, the
// line of its name, and the keys a workload of another file may run as scripts.
type ConfigMapDoc struct {
	Namespace, Name string
	Line            int
	Keys            []string // its data keys
	// ScriptKeys are the data keys that read as script files: a name ending in .sh or .bash,
	// or a value that starts with #!. Nil for a ConfigMap that is an item of a List: it is
	// counted (its name is taken) but never edited.
	ScriptKeys []string
}

// ConfigMapDocs returns the ConfigMaps of a document: the document itself, or the items of a
// List. doc may be a document node or its root.
func ConfigMapDocs(doc *yaml.Node) []ConfigMapDoc {
	root := documentRoot(doc)
	if root == nil || root.Kind != yaml.MappingNode {
		return nil
	}
	if strings.HasSuffix(scalar(root, "kind"), "List") {
		var out []ConfigMapDoc
		for _, it := range seqItems(lookup(root, "items")) {
			if cm, ok := configMapDoc(it); ok {
				cm.Keys, cm.ScriptKeys = nil, nil
				out = append(out, cm)
			}
		}
		return out
	}
	if cm, ok := configMapDoc(root); ok {
		return []ConfigMapDoc{cm}
	}
	return nil
}

func configMapDoc(m *yaml.Node) (ConfigMapDoc, bool) {
	if m == nil || m.Kind != yaml.MappingNode || scalar(m, "kind") != "ConfigMap" || scalar(m, "apiVersion") != "v1" {
		return ConfigMapDoc{}, false
	}
	md := lookup(m, "metadata")
	cm := ConfigMapDoc{Namespace: scalar(md, "namespace"), Name: scalar(md, "name"), Line: m.Line}
	if n := lookup(md, "name"); n != nil {
		cm.Line = n.Line
	}
	data := lookup(m, "data")
	if data == nil || data.Kind != yaml.MappingNode {
		return cm, true
	}
	for i := 0; i+1 < len(data.Content); i += 2 {
		k, v := data.Content[i].Value, data.Content[i+1]
		cm.Keys = append(cm.Keys, k)
		if v.Kind == yaml.ScalarNode && ScriptKey(k, v.Value) {
			cm.ScriptKeys = append(cm.ScriptKeys, k)
		}
	}
	return cm, true
}

// ScriptKey reports whether a ConfigMap key reads as a script file: its name ends in .sh or
// .bash, or its value starts with #!. Only such keys are looked for across files: a file
// that may hold one is held back until the run has seen every workload.
func ScriptKey(key, value string) bool {
	ext := path.Ext(key)
	return ext == ".sh" || ext == ".bash" || strings.HasPrefix(value, "#!")
}

// MayHoldConfigMap reports whether a document's text may hold a ConfigMap: a byte check
// before any parsing.
func MayHoldConfigMap(content []byte) bool { return bytes.Contains(content, []byte("ConfigMap")) }

// RuleConfigScript is the rule of the warning that a ConfigMap script was not read.
const RuleConfigScript = "hack-script-in-configmap"
