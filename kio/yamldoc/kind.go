package yamldoc

import "sigs.k8s.io/kustomize/kyaml/yaml"

// KindName names a YAML node kind as a message about a document says it.
func KindName(k yaml.Kind) string {
	switch k {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	case yaml.DocumentNode:
		return "document"
	}
	return "mapping"
}
