package migrate

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// replacedPolicy describes the restartPolicy value of a moving container that setting
// restartPolicy: Always replaces, or returns "" when it has none or it already says Always.
// A value replaced with its key loses the comments on them, and the description says so.
func replacedPolicy(c *yaml.Node) string {
	at := indexOfKey(c, "restartPolicy")
	if at == len(c.Content) {
		return ""
	}
	old := policyValue(c.Content[at+1])
	k, v := c.Content[at], c.Content[at+1]
	if old != "" && !keepsPolicyNode(v) && k.HeadComment+k.LineComment+k.FootComment+v.LineComment+v.FootComment != "" {
		old += ", and its comments with it"
	}
	return old
}

// policyValue describes restartPolicy value v, or returns "" when it is the string Always.
func policyValue(v *yaml.Node) string {
	switch {
	case isPlainAlways(v):
		return ""
	case v.Kind == yaml.MappingNode:
		return "a mapping"
	case v.Kind == yaml.SequenceNode:
		return "a list"
	case v.Kind == yaml.AliasNode:
		return "the alias *" + v.Value
	case v.Value == "":
		return "empty"
	case v.ShortTag() != yaml.NodeTagString:
		return fmt.Sprintf("%q (%s)", v.Value, v.ShortTag())
	}
	return fmt.Sprintf("%q", v.Value)
}

// isPlainAlways reports whether v is the string Always, however it is quoted.
func isPlainAlways(v *yaml.Node) bool {
	return v.Kind == yaml.ScalarNode && v.Value == "Always" && v.ShortTag() == yaml.NodeTagString
}

// keepsPolicyNode reports whether restartPolicy value v can become Always in place, keeping
// its line and comments: a scalar written out without a tag. Any other value (empty, a
// mapping, a list, an alias, a tagged scalar) is dropped with its key, and a plain Always is
// written as for a container without one.
func keepsPolicyNode(v *yaml.Node) bool {
	quoted := v.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0
	return v.Kind == yaml.ScalarNode && (v.Value != "" || quoted) && v.Style&yaml.TaggedStyle == 0
}

// setAlways makes scalar v the string Always. A string keeps its quoting; a null or a number
// becomes a plain string: with its tag kept it would read "!!null Always", which the API
// server refuses.
func setAlways(v *yaml.Node) {
	v.Value = "Always"
	if v.ShortTag() != yaml.NodeTagString {
		v.Tag, v.Style = yaml.NodeTagString, 0
	}
}

// dropKey removes key and its value from mapping m.
func dropKey(m *yaml.Node, key string) {
	if at := indexOfKey(m, key); at < len(m.Content) {
		m.Content = append(m.Content[:at:at], m.Content[at+2:]...)
	}
}
