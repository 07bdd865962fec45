package migrate

import "sigs.k8s.io/kustomize/kyaml/yaml"

// origins maps the nodes of a copy (cloneMapped) back to the nodes they were copied from.
// The copy keeps only the way there (node -> copy), which it needs anyway; the way back is
// built on first use, and most decisions never use it: they change nothing, so there is
// nothing to apply.
type origins struct {
	copies map[*yaml.Node]*yaml.Node // a node copied -> its copy
	back   map[*yaml.Node]*yaml.Node // a copy -> the node it copies, once asked for
}

// of returns the node c is a copy of, or nil for a node made since.
func (o *origins) of(c *yaml.Node) *yaml.Node {
	return o.table()[c]
}

// set records that c stands for node n.
func (o *origins) set(c, n *yaml.Node) {
	o.table()[c] = n
}

func (o *origins) table() map[*yaml.Node]*yaml.Node {
	if o.back == nil {
		o.back = make(map[*yaml.Node]*yaml.Node, len(o.copies))
		for n, c := range o.copies {
			o.back[c] = n
		}
	}
	return o.back
}
