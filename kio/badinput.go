package kio

import (
	"bytes"
	"fmt"

	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// maxAliasNodes is how many nodes a document's aliases may stand for, beyond the document's
// own. The tool never expands an alias, but kubectl and the API server do: a "billion laughs"
// of nested aliases that a few lines hold would exhaust their memory, so it is refused here.
// Real manifests share a few small anchors, far below the limit.
const maxAliasNodes = 1_000_000

// checkDocument turns a document that parsed into something no Kubernetes tool can read, or
// that did not parse because it is a template, into an error with the line to look at. doc
// and perr are what yamldoc.Parse returned for content, which starts at line of the file.
func checkDocument(content []byte, line int, doc *yaml.Node, perr *Error) *Error {
	if perr != nil {
		if at := templateLine(content); at > 0 {
			return templateError(line + at - 1)
		}
		return perr
	}
	if doc == nil {
		return nil
	}
	c := nodeCheck{sizes: map[*yaml.Node]int{}}
	c.walk(doc)
	switch {
	case c.badKey != nil:
		if bytes.Contains(yamldoc.NumberedLine(content, c.badKey.Line), []byte("{{")) {
			return templateError(line + c.badKey.Line - 1)
		}
		e := &Error{Msg: fmt.Sprintf("a mapping key that is a %s: not a Kubernetes object", yamldoc.KindName(c.badKey.Kind))}
		return e.At(content, line, c.badKey.Line, c.badKey.Column)
	case c.dupKey != nil:
		e := &Error{Msg: fmt.Sprintf("the key %q is already set at line %d of this mapping: kubectl refuses it, and YAML tools differ on which value counts",
			c.dupKey.Value, line+c.dupFirst.Line-1)}
		return e.At(content, line, c.dupKey.Line, c.dupKey.Column)
	case c.aliased > maxAliasNodes:
		return aliasBombError(line+c.bigAlias.Line-1).At(content, line, c.bigAlias.Line, c.bigAlias.Column)
	}
	return nil
}

func templateError(line int) *Error {
	return &Error{Line: line, Msg: "a template action ({{ ... }}), not YAML: render the template first, " +
		"for Helm with `helm template ... --post-renderer sidecar-migrate --post-renderer-args apply --post-renderer-args -`"}
}

// nodeCheck walks a document once, looking for mapping keys that are not scalars (what an
// unquoted {{ .Values.x }} parses into), keys set twice in a mapping, and adding up what the
// aliases stand for.
type nodeCheck struct {
	sizes            map[*yaml.Node]int // expanded size of the anchored nodes seen so far
	aliased          int                // nodes the aliases stand for, saturated past maxAliasNodes
	bigAlias         *yaml.Node         // the alias that took aliased past the limit
	badKey           *yaml.Node
	dupKey, dupFirst *yaml.Node // the first key set twice, and where it was set first
}

// walk returns the number of nodes n stands for with its aliases expanded, at most
// maxAliasNodes+1.
func (c *nodeCheck) walk(n *yaml.Node) int {
	if n.Kind == yaml.AliasNode {
		size := 1
		if n.Alias != nil {
			size = c.sizes[n.Alias]
		}
		c.aliased = min(c.aliased+size, maxAliasNodes+1)
		if c.aliased > maxAliasNodes && c.bigAlias == nil {
			c.bigAlias = n
		}
		return size
	}
	if n.Kind == yaml.MappingNode && c.dupKey == nil {
		c.dupFirst, c.dupKey = migrate.DuplicateKey(n)
	}
	size := 1
	for i, child := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 && child.Kind != yaml.ScalarNode && child.Kind != yaml.AliasNode && c.badKey == nil {
			c.badKey = child
		}
		size = min(size+c.walk(child), maxAliasNodes+1)
	}
	if n.Anchor != "" {
		c.sizes[n] = size
	}
	return size
}

// templateLine returns the 1-based line of the first "{{" of content, or 0.
func templateLine(content []byte) int {
	i := bytes.Index(content, []byte("{{"))
	if i < 0 {
		return 0
	}
	return 1 + bytes.Count(content[:i], []byte("\n"))
}

// emptyFinding is the info line for a file with no object: in a repository such files are
// common (placeholders, values kept for later, everything commented out), so it is not an
// error, but it is said, since a manifest emptied by mistake is worth noticing.
func emptyFinding() migrate.Finding {
	return migrate.Finding{Rule: migrate.RuleEmptyFile, Severity: migrate.Info, Line: 1, Column: 1,
		Message: "no Kubernetes object: the file is empty or holds only comments"}
}

// listFinding says that a document is a list, which holds no Kubernetes object.
func listFinding(line int) migrate.Finding {
	return migrate.Finding{Rule: migrate.RuleEmptyFile, Severity: migrate.Info, Line: line, Column: 1,
		Message: "no Kubernetes object: the document is a list (a JSON 6902 patch or kustomize replacements are; kubectl and kustomize never read one as an object)"}
}

// aliasBombError is the error of a document whose aliases stand for more than maxAliasNodes
// nodes, at line.
func aliasBombError(line int) *Error {
	return &Error{Line: line, Msg: fmt.Sprintf(
		"YAML aliases here stand for more than %d nodes (a \"billion laughs\" alias bomb?): refused, since kubectl would have to expand them", maxAliasNodes)}
}
