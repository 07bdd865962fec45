package migrate

import "sigs.k8s.io/kustomize/kyaml/yaml"

// A migration that edited nothing needs no check of its outcome: on two identical trees
// without aliases, whose pod templates name each container once, CheckOutcome holds (no
// container became native, none went, every script kept its statements). Comparing the
// trees costs a walk, which is much less than the check: most workloads change nothing.

// uneditedOutcome reports whether after is before as it was, so that CheckOutcome(before,
// after) cannot fail.
func uneditedOutcome(before, after *yaml.Node, opts Options) bool {
	if !identicalTree(before, after) {
		return false
	}
	for _, t := range findPodTemplates(before, "", opts) {
		if !namesOnce(containerNodes(t.spec)) {
			return false
		}
	}
	return true
}

// identicalTree reports whether a and b are the same tree field by field, comments and
// positions included, neither holding an alias.
func identicalTree(a, b *yaml.Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind == yaml.AliasNode || a.Alias != nil || b.Alias != nil || len(a.Content) != len(b.Content) {
		return false
	}
	if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || a.Anchor != b.Anchor ||
		a.HeadComment != b.HeadComment || a.LineComment != b.LineComment || a.FootComment != b.FootComment ||
		a.Line != b.Line || a.Column != b.Column {
		return false
	}
	for i := range a.Content {
		if !identicalTree(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// namesOnce reports whether no two containers share a name (a pod has a few: compared
// pairwise).
func namesOnce(containers []*yaml.Node) bool {
	for i, c := range containers {
		name := scalar(c, "name")
		for _, o := range containers[:i] {
			if scalar(o, "name") == name {
				return false
			}
		}
	}
	return true
}
