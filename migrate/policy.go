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

// restartBlock returns why container c keeps its place because of its own restart
// settings, or "" when the move preserves them. The move sets restartPolicy: Always, the
// only value that makes a native sidecar, so it preserves only what already means that:
// no restartPolicy, a null one (the API server reads it as none) or the string Always.
//
// Every other container-level restart setting stays where it is, with a warning:
//   - restartPolicy Never or OnFailure on a regular container is rejected before Kubernetes
//     1.35 (1.34 only behind the ContainerRestartRules gate) and from 1.35 says how this one
//     container restarts: Never that it is not restarted, OnFailure that it is restarted only
//     after a failure. Always restarts it after every exit. Even where the value repeats the
//     pod's own restartPolicy, it is the only word the author wrote about this container's
//     restarts, and "replaced by Always" would turn it into its opposite; so it is never
//     replaced, whatever the target version. The owner removes it once a restarted sidecar
//     is what they want.
//   - any other value (a number, a mapping, a list, an empty or unknown string) is rejected
//     by the API server: what it meant is not known, so it is not guessed.
//   - restartPolicyRules (ContainerRestartRules, alpha in 1.34, beta in 1.35) choose which
//     exits restart the container. A native sidecar is restarted on every exit: the API
//     server rejects the rules beside restartPolicy: Always before 1.36 and from then they
//     no longer decide its restarts, so a move with the rules kept either fails or quietly
//     drops what they said. Before 1.34 the field is unknown to the API server.
func restartBlock(c *yaml.Node, kubeVersion string) string {
	if at := indexOfKey(c, "restartPolicyRules"); at < len(c.Content) {
		if kubeMinor(kubeVersion) < 34 {
			return fmt.Sprintf("it has restartPolicyRules, a field the API server does not know before Kubernetes 1.34 (the target is %s) and from 1.34 a rule of which exits restart it; a native sidecar is restarted on every exit, so the move would drop what the rules say: remove them first if it may restart on any exit", kubeVersionOrDefault(kubeVersion))
		}
		return "its restartPolicyRules choose which exits restart it; a native sidecar must have restartPolicy: Always, which the API server refuses beside restartPolicyRules before Kubernetes 1.36 and which restarts it on every exit from then, so the move would drop what the rules say: remove them first if it may restart on any exit"
	}
	v := lookup(c, "restartPolicy")
	if v == nil || isPlainAlways(v) || isNull(v) {
		return ""
	}
	old := policyValue(v)
	if v.Kind != yaml.ScalarNode || v.ShortTag() != yaml.NodeTagString || (v.Value != "Never" && v.Value != "OnFailure") {
		return fmt.Sprintf("its restartPolicy is %s, which the API server does not accept, and what it was meant to say is not known; fix it (Always, or none) first", old)
	}
	if kubeMinor(kubeVersion) < 35 {
		return fmt.Sprintf("its restartPolicy %s is rejected on a regular container before Kubernetes 1.35 (the target is %s), and from 1.35 says how this container restarts; a native sidecar needs Always, which restarts it after every exit: remove the line first if that is what it should do", old, kubeVersionOrDefault(kubeVersion))
	}
	return fmt.Sprintf("its restartPolicy %s says how this container restarts (ContainerRestartRules); a native sidecar needs Always, which restarts it after every exit, so replacing %s would change that: remove the line first if it may restart after every exit", old, old)
}

// isNull reports whether v is a null scalar (empty, ~ or null), which the API server reads
// as no value.
func isNull(v *yaml.Node) bool {
	return v.Kind == yaml.ScalarNode && v.ShortTag() == yaml.NodeTagNull
}
