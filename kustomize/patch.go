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

	inline *yaml.Node // the scalar holding an inline patch, in the kustomization's tree
	late   bool       // applied after names and namespaces change (patchesJson6902)
	docs   []kio.Document
	err    error // why the patch could not be read
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
	if p.inline != nil {
		return []byte(p.inline.Value), p.Owner.File, nil
	}
	data, err := os.ReadFile(p.Path)
	return data, p.Path, err
}

// load reads and parses the patch and decides whether it is a JSON 6902 patch, as
// kustomize does: a list of operations, or text starting with "[".
func (p *Patch) load() {
	data, name, err := p.text()
	if err != nil {
		p.err = err
		return
	}
	if p.inline != nil {
		name = "inline.yaml"
	}
	p.docs, p.err = kio.ParseDocuments(name, data)
	if p.err == nil && len(p.docs) > 0 && p.docs[0].Node.Kind == yaml.SequenceNode {
		p.JSON = true
	}
	if p.JSON && len(p.docs) != 1 {
		p.err = fmt.Errorf("a JSON 6902 patch must be one list of operations")
	}
}

// ops returns the operations of a JSON 6902 patch.
func (p *Patch) ops() []*yaml.Node {
	if !p.JSON || len(p.docs) == 0 {
		return nil
	}
	return p.docs[0].Node.Content
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
	for i, d := range p.docs {
		if namesObject(d.Node, in) {
			docs = append(docs, i)
		}
	}
	return docs
}

// namesObject reports whether a strategic-merge patch document names the instance: its kind,
// and its name as the object had it at any stage (kustomize matches any of its names).
func namesObject(doc *yaml.Node, in *instance) bool {
	if str(doc, "kind") != in.w.Resource.Kind {
		return false
	}
	if g := group(str(doc, "apiVersion")); g != "" && g != group(in.w.Resource.APIVersion) {
		return false
	}
	md := get(doc, "metadata")
	if !contains(in.names, str(md, "name")) {
		return false
	}
	ns := str(md, "namespace")
	return ns == "" || contains(in.namespaces, ns) || (ns == "default" && contains(in.namespaces, ""))
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
