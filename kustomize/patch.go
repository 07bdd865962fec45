package kustomize

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Patch is one patch of a kustomization: a strategic-merge patch (one or more partial
// objects) or a JSON 6902 patch (a list of operations), in a file or inline.
type Patch struct {
	Owner  *Kustomization
	Field  string // patches, patchesStrategicMerge or patchesJson6902
	Entry  int    // index in that list
	Line   int    // of the entry in the kustomization file
	Path   string // absolute path of the patch file; "" for an inline patch
	Target *selector
	JSON   bool // a JSON 6902 patch

	inline     bool   // the patch is written in the kustomization file
	inlineText string // an inline patch's text
	late       bool   // applied after names and namespaces change (patchesJson6902)
	// heads name the object each document of a strategic-merge patch applies to; ndocs
	// counts the documents. The parsed documents are not kept: patches.docs parses them
	// again when a replay or an edit needs them.
	heads   []head
	ndocs   int
	touches bool  // sets or addresses containers or initContainers
	err     error // why the patch could not be read
}

// head is the kind, group and name of a strategic-merge patch document.
type head struct {
	Kind, Group, Name, Namespace string
}

// String names the patch for messages: the kustomization file and the entry, and the
// patch file when there is one.
func (p *Patch) String() string {
	s := fmt.Sprintf("%s:%d (%s[%d]", p.Owner.Name, p.Line, p.Field, p.Entry)
	if p.Path != "" {
		s += " " + filepath.Base(p.Path)
	}
	return s + ")"
}

// text returns the patch's text and the name EditBytes gets for it.
func (p *Patch) text() ([]byte, string, error) {
	if p.inline {
		return []byte(p.inlineText), p.Owner.File, nil
	}
	data, err := os.ReadFile(p.Path)
	return data, p.Path, err
}

// parse reads and parses the patch.
func (p *Patch) parse() ([]kio.Document, error) {
	data, name, err := p.text()
	if err != nil {
		return nil, err
	}
	if p.inline {
		name = "inline.yaml"
	}
	return kio.ParseDocuments(name, data)
}

// load reads and parses the patch, decides whether it is a JSON 6902 patch, as kustomize
// does (a list of operations, or text starting with "["), and keeps what the plan matches
// workloads with.
func (p *Patch) load() {
	docs, err := p.parse()
	if p.err = err; err != nil {
		return
	}
	p.ndocs = len(docs)
	if len(docs) > 0 && docs[0].Node.Kind == yaml.SequenceNode {
		p.JSON = true
	}
	if p.JSON && len(docs) != 1 {
		p.err = fmt.Errorf("a JSON 6902 patch must be one list of operations")
		return
	}
	p.touches = touchesContainerLists(p, docs)
	if p.JSON {
		return
	}
	for _, d := range docs {
		md := get(d.Node, "metadata")
		p.heads = append(p.heads, head{Kind: str(d.Node, "kind"), Group: group(str(d.Node, "apiVersion")), Name: str(md, "name"), Namespace: str(md, "namespace")})
	}
}

// ops returns the operations of a JSON 6902 patch, given its documents.
func ops(docs []kio.Document) []*yaml.Node {
	if len(docs) == 0 {
		return nil
	}
	return docs[0].Node.Content
}

// patches parses patches again when they are needed, keeping the last few parsed: a patch
// of a component may reach many workloads.
type patches struct {
	parsed map[*Patch][]kio.Document
}

const patchCacheSize = 64

// docs returns the parsed documents of a patch.
func (c *patches) docs(p *Patch) ([]kio.Document, error) {
	if d, ok := c.parsed[p]; ok {
		return d, nil
	}
	d, err := p.parse()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if len(d) != p.ndocs {
		return nil, fmt.Errorf("%s changed while it was read", p)
	}
	if c.parsed == nil || len(c.parsed) >= patchCacheSize {
		c.parsed = map[*Patch][]kio.Document{}
	}
	c.parsed[p] = d
	return d, nil
}

// reaches returns the documents of the patch that apply to the instance: every document
// (JSON 6902, or a strategic-merge patch with a target) when the target selects it, or the
// strategic-merge documents that name it.
func (p *Patch) reaches(in *instance) []int {
	if p.err != nil {
		return nil
	}
	if p.Target != nil || p.JSON {
		if p.Target != nil && p.Target.matches(in) {
			if p.JSON {
				return []int{0}
			}
			return []int{0} // kustomize takes one document when a target is set
		}
		return nil
	}
	var docs []int
	for i, h := range p.heads {
		if h.names(in) {
			docs = append(docs, i)
		}
	}
	return docs
}

// names reports whether a strategic-merge patch document names the instance: its kind,
// and its name as the object had it at any stage (kustomize matches any of its names).
func (h head) names(in *instance) bool {
	if h.Kind != in.w.Resource.Kind {
		return false
	}
	if h.Group != "" && h.Group != group(in.w.Resource.APIVersion) {
		return false
	}
	if !contains(in.names, h.Name) {
		return false
	}
	return h.Namespace == "" || contains(in.namespaces, h.Namespace) || (h.Namespace == "default" && contains(in.namespaces, ""))
}

// matches reports whether the selector selects the instance by kind, group, version, name
// and namespace. A label or annotation selector is not evaluated: it is taken to match, and
// callers refuse what it could reach.
func (s *selector) matches(in *instance) bool {
	gv := in.w.Resource.APIVersion
	g, v := group(gv), gv[strings.LastIndex(gv, "/")+1:]
	if !anchored(s.Kind, in.w.Resource.Kind) || !anchored(s.Group, g) || !anchored(s.Version, v) {
		return false
	}
	if s.Name != "" && !anchored(s.Name, in.names[0]) && !anchored(s.Name, in.names[len(in.names)-1]) {
		return false
	}
	if s.Namespace != "" {
		orig, cur := effective(in.namespaces[0]), effective(in.namespaces[len(in.namespaces)-1])
		if !anchored(s.Namespace, orig) && !anchored(s.Namespace, cur) {
			return false
		}
	}
	return true
}

func effective(ns string) string {
	if ns == "" {
		return "default"
	}
	return ns
}

// anchored matches a kustomize selector field, a regular expression that must match the
// whole value; an empty pattern matches everything.
func anchored(pattern, value string) bool {
	if pattern == "" {
		return true
	}
	re, err := regexp.Compile("^(?:" + pattern + ")$")
	if err != nil {
		return pattern == value
	}
	return re.MatchString(value)
}

func group(apiVersion string) string {
	g, _, found := strings.Cut(apiVersion, "/")
	if !found {
		return ""
	}
	return g
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// source names the text of the patch: its file, or its entry in the kustomization.
func (p *Patch) source() string {
	if p.Path != "" {
		return p.Path
	}
	return fmt.Sprintf("%s#%s[%d]", p.Owner.File, p.Field, p.Entry)
}
