package kio

import (
	"bytes"
	"fmt"
	"github.com/sidecar-migrate/sidecar-migrate/kio/splice"
	"github.com/sidecar-migrate/sidecar-migrate/kio/udiff"
	"os"
	"unicode/utf8"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FileResult is the outcome of migrating one file.
type FileResult struct {
	Path     string
	Before   []byte
	After    []byte // equal to Before when nothing changed or Err is set
	Findings []migrate.Finding
	// Ignored are the findings that ignore annotations silenced, with their reasons.
	Ignored []migrate.Finding
	Stats   migrate.Stats
	// Fallbacks counts documents that were serialized because their edit could not be
	// spliced into the original lines.
	Fallbacks int
	// Err is set when the file could not be processed; it is never written then.
	Err error
	// Moved lists the containers moved, and ContainerRefs the containers named by the
	// file's autoscalers, so a caller can warn about autoscalers of moved containers.
	Moved         []migrate.MovedContainer
	ContainerRefs []migrate.ContainerRef
	// Info is the file as it was before it was read (nil for standard input): with Before,
	// what WriteFile checks the file still is.
	Info os.FileInfo
}

// Changed reports whether the file's content changed.
func (r FileResult) Changed() bool { return r.Err == nil && !bytes.Equal(r.Before, r.After) }

// File migrates the documents of one file. Documents that need no change are kept
// byte for byte; changed documents keep every line the migration did not touch. path is
// used in messages and to tell JSON from YAML.
func File(path string, data []byte, opts migrate.Options) FileResult {
	r := FileResult{Path: path, Before: data, After: data}
	if err := checkText(data); err != nil {
		r.fail(err)
		return r
	}
	t := decodeText(data)
	isJSON := jsonFile(path, t.body)
	var out bytes.Buffer
	prev := 0
	for _, d := range splitDocuments(t.body) {
		content := t.body[d.start:d.end]
		// Most documents of a repository are not workloads: skip them before any parsing.
		if !bytes.Contains(content, []byte("containers")) {
			if bytes.Contains(content, []byte("containerResource")) || bytes.Contains(content, []byte("containerPolicies")) {
				r.collectRefs(content, d.line)
			}
			continue
		}
		edited, err := r.migrateDocument(content, d.line, isJSON, opts)
		if err != nil {
			r.fail(err)
			return r
		}
		if edited != nil {
			if prev == 0 {
				out.Grow(len(t.body) + len(edited) - len(content) + 4096) // one allocation, in most files
			}
			out.Write(t.body[prev:d.start])
			out.Write(edited)
			prev = d.end
		}
	}
	if prev == 0 {
		if len(r.Findings) == 0 && !hasContent(data) {
			r.Findings = append(r.Findings, emptyFinding())
		}
		return r
	}
	out.Write(t.body[prev:])
	r.After = t.encode(out.Bytes())
	return r
}

// migrateDocument migrates one document and returns its new content, or nil when it does not
// change.
func (r *FileResult) migrateDocument(content []byte, line int, isJSON bool, opts migrate.Options) ([]byte, *Error) {
	doc, err := parseDocument(content, line)
	if err = checkDocument(content, line, doc, err); err != nil || doc == nil {
		return nil, err
	}
	root := doc.Content[0]
	if root.Kind == yaml.SequenceNode {
		// A list at the root is never an object to kustomize or kubectl: a JSON 6902 patch
		// or a replacements file, which kustomize reads as data.
		r.Findings = append(r.Findings, listFinding(line+root.Line-1))
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &Error{Line: line + root.Line - 1, Msg: fmt.Sprintf("the document is a %s, not a Kubernetes object", kindName(root.Kind))}
	}
	r.addRefs(doc, line) // an autoscaler whose comments or fields mention containers
	decision := migrate.Decide(yaml.NewRNode(doc), opts)
	res := decision.Result
	for i := range res.Findings {
		res.Findings[i].Line += line - 1
	}
	for i := range res.Ignored {
		res.Ignored[i].Line += line - 1
	}
	r.Findings = append(r.Findings, res.Findings...)
	r.Ignored = append(r.Ignored, res.Ignored...)
	r.Stats.Add(res.Stats)
	r.Moved = append(r.Moved, res.Moved...)
	for _, f := range res.Findings {
		if f.Severity == migrate.Error {
			where := f.Resource.String()
			if f.Container != "" {
				where += " container " + f.Container
			}
			return nil, &Error{Line: f.Line, Msg: where + ": " + f.Message}
		}
	}
	if !res.Changed() {
		return nil, nil
	}
	// Rendering needs the layout of the tree before the edit. Taking it costs as much as
	// parsing, and most documents need no change: so it is taken only now, on the tree the
	// decision read, which the decision then edits.
	l := splice.Snapshot(content, doc)
	decision.Apply(yaml.NewRNode(doc))
	text, fell, werr := writeEdited(l, doc, content, isJSON)
	if fell {
		r.fallback(res, root, line, "the edit could not be spliced into the original lines")
	}
	if werr != nil {
		return nil, &Error{Line: line, Msg: werr.Error()}
	}
	return []byte(text), nil
}

// collectRefs records the containers an autoscaler document names. A document that does not
// parse is left to the tools that own it: it holds no workload.
func (r *FileResult) collectRefs(content []byte, line int) {
	if doc, err := parseDocument(content, line); err == nil && doc != nil {
		r.addRefs(doc, line)
	}
}

// addRefs records the containers an autoscaler document, starting at line, names.
func (r *FileResult) addRefs(doc *yaml.Node, line int) {
	for _, ref := range migrate.ContainerRefs(yaml.NewRNode(doc)) {
		ref.Line += line - 1
		r.ContainerRefs = append(r.ContainerRefs, ref)
	}
}

// fail records err, naming the file, and drops every change.
func (r *FileResult) fail(err *Error) {
	err.Path = r.Path
	r.Err, r.After = err, r.Before
	r.Moved, r.Stats.Sidecars = nil, 0
}

func (r *FileResult) fallback(res migrate.Result, root *yaml.Node, line int, why string) {
	r.Fallbacks++
	f := migrate.Finding{Rule: migrate.RuleFormattingFallback, Severity: migrate.Info, Line: line + root.Line - 1, Column: 1,
		Message: "formatting of this document could not be kept: " + why}
	if len(res.Findings) > 0 {
		f.Resource = res.Findings[0].Resource
	}
	r.Findings = append(r.Findings, f)
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	}
	return "mapping"
}

// checkText rejects content that is not UTF-8 text, naming the first bad line.
func checkText(data []byte) *Error {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return &Error{Line: 1 + bytes.Count(data[:i], []byte("\n")), Msg: "binary content (a NUL byte), not YAML"}
	}
	if utf8.Valid(data) {
		return nil
	}
	for i, line := range bytes.SplitAfter(data, []byte("\n")) {
		if !utf8.Valid(line) {
			return &Error{Line: i + 1, Msg: "not UTF-8 text"}
		}
	}
	return nil
}

// UnifiedDiff is udiff.Unified, kept for the golden tests of migrate, which name it.
func UnifiedDiff(path string, before, after []byte) []byte { return udiff.Unified(path, before, after) }

// aliasBombError is the error of a document whose aliases stand for more than maxAliasNodes
// nodes, at line.
func aliasBombError(line int) *Error {
	return &Error{Line: line, Msg: fmt.Sprintf(
		"YAML aliases here stand for more than %d nodes (a \"billion laughs\" alias bomb?): refused, since kubectl would have to expand them", maxAliasNodes)}
}
