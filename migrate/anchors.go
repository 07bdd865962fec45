package migrate

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// aliasUse is an alias of a document and the object that holds it.
type aliasUse struct {
	alias  *yaml.Node
	holder Resource
}

// sharedNodes maps each node inside an anchored node of a document to an alias that uses
// that anchor. An edit of such a node changes what the alias stands for too, and no line of
// the diff would show it.
type sharedNodes map[*yaml.Node]aliasUse

// findShared returns the shared nodes of the document root, or nil when it has no alias.
func findShared(root *yaml.Node) sharedNodes {
	uses := map[*yaml.Node]aliasUse{}
	var collect func(n *yaml.Node, holder Resource)
	collect = func(n *yaml.Node, holder Resource) {
		if n.Kind == yaml.AliasNode {
			if _, seen := uses[n.Alias]; !seen && n.Alias != nil {
				uses[n.Alias] = aliasUse{n, holder}
			}
			return
		}
		if n.Kind == yaml.MappingNode && scalar(n, "kind") != "" && scalar(n, "apiVersion") != "" {
			holder = Resource{APIVersion: scalar(n, "apiVersion"), Kind: scalar(n, "kind")}
			if md := lookup(n, "metadata"); md != nil {
				holder.Name, holder.Namespace = scalar(md, "name"), scalar(md, "namespace")
			}
		}
		for _, c := range n.Content {
			collect(c, holder)
		}
	}
	collect(root, Resource{})
	if len(uses) == 0 {
		return nil
	}
	shared := sharedNodes{}
	var mark func(n *yaml.Node, use *aliasUse)
	mark = func(n *yaml.Node, use *aliasUse) {
		if u, ok := uses[n]; ok && use == nil {
			use = &u
		}
		if use != nil {
			shared[n] = *use
		}
		if n.Kind != yaml.AliasNode {
			for _, c := range n.Content {
				mark(c, use)
			}
		}
	}
	mark(root, nil)
	return shared
}

// of returns an alias that uses a node the migration of pod template t may edit: its pod
// spec, its containers and initContainers lists and their entries, its metadata and their
// annotations.
func (s sharedNodes) of(t podTemplate) (aliasUse, bool) {
	edited := []*yaml.Node{t.spec}
	for _, list := range []*yaml.Node{lookup(t.spec, "containers"), lookup(t.spec, "initContainers")} {
		if list != nil {
			edited = append(append(edited, list), list.Content...)
		}
	}
	for _, md := range t.metadata {
		edited = append(edited, md, lookup(md, "annotations"))
	}
	for _, n := range edited {
		if u, ok := s[n]; ok && n != nil {
			return u, true
		}
	}
	return aliasUse{}, false
}

// sharedLeftAlone reports, with a warning, a pod template whose migration would edit a node
// that an alias elsewhere uses, and that would change: dry is the same pod template in a
// copy of the document, migrated to see whether anything changes.
func (m *migration) sharedLeftAlone(t, dry podTemplate, shared sharedNodes) bool {
	use, ok := shared.of(t)
	if !ok {
		return false
	}
	trial := migration{opts: m.opts, catalogue: m.catalogue, aliases: m.aliases}
	trial.template(dry)
	if !(Result{Findings: trial.findings}).Changed() {
		return false
	}
	other := "this object"
	if use.holder.Kind != "" && use.holder != t.resource {
		other = use.holder.String()
	}
	m.report(ruleBadContainers, Warning, t, t.spec, "", "left alone: its pod template is inside the YAML anchor &%s, which %s also uses as *%s: a migration here would change both, and no line of the diff would show the second; write the shared part out in each to migrate them",
		use.alias.Alias.Anchor, other, use.alias.Value)
	return true
}
