package kio

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/sidecar-migrate/sidecar-migrate/kio/udiff"
	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Error is an input that could not be processed, with the file and line it is about.
type Error = yamldoc.Error

// Excerpt is one line of a file, with where in it to point.
type Excerpt = yamldoc.Excerpt

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
	// MovedLines are the blocks of lines the moves took, where they were and where they
	// are, so that the diff shows them moving and keeps the lines around them (Diff).
	MovedLines []udiff.Move
	// Together are the files of the run that must be written with this one or not at all:
	// a ConfigMap script edited in one file for a workload of another (paths as displayed).
	Together []string
	// Info is the file as it was before it was read (nil for standard input): with Before,
	// what WriteFile checks the file still is.
	Info os.FileInfo

	strings stringSet   // while the file is migrated: the findings' strings, one copy each
	config  *configNote // for the step over ConfigMap scripts of other files (configscripts_tree.go)
	// configUses is what sees a ConfigMap in the file: a ConfigMap script is edited only for
	// its one user.
	configUses []migrate.ConfigMapUse
	edited     *sameFileEdit // its ConfigMap scripts edited for its own workloads (configscripts.go)
}

// Changed reports whether the file's content changed.
func (r FileResult) Changed() bool { return r.Err == nil && !bytes.Equal(r.Before, r.After) }

// File migrates the documents of one file. Documents that need no change are kept
// byte for byte; changed documents keep every line the migration did not touch. path is
// used in messages and to tell JSON from YAML.
func File(path string, data []byte, opts migrate.Options) FileResult {
	t, err := yamldoc.Read(path, data)
	if err != nil {
		r := FileResult{Path: path, Before: data, After: data}
		r.fail(err)
		return r
	}
	return migrateText(t, data, opts)
}

// migrateText migrates the documents of a file's text, data as read.
func migrateText(t *yamldoc.Text, data []byte, opts migrate.Options) (r FileResult) {
	r = FileResult{Path: t.Path, Before: data, After: data}
	r.strings = stringSet{}
	defer func() { r.strings = nil }() // r is the result
	var moved []docMoves
	index := -1
	out, changed, err := t.Rewrite(func(d yamldoc.Doc) ([]byte, error) {
		index++
		// Most documents of a repository are not workloads: skip them before any parsing.
		if !migrate.MayApply(d.Content) {
			if migrate.MayNameContainers(d.Content) || migrate.MayUseConfigMap(d.Content) && !migrate.IsDefinition(d.Content) {
				r.collectRefs(d, opts)
			}
			return nil, nil
		}
		text, moves, err := r.migrateContent(d, opts)
		if err != nil {
			return nil, err // not a nil *Error, which would not be a nil error
		}
		if len(moves) > 0 {
			moved = append(moved, docMoves{index, d.Line, moves})
		}
		return text, nil
	})
	if err != nil {
		r.fail(err)
		return r
	}
	if !changed && len(r.Findings) == 0 && !yamldoc.HasContent(data) {
		r.Findings = append(r.Findings, emptyFinding())
	}
	r.After = out
	r.configScripts(opts, moved) // a cross-document step: ConfigMap scripts the workloads run
	r.placeMoves(moved)
	return r
}

// docMoves are the blocks of lines the migration of the document at index (its content
// starting on file line line) moved, counted from 0 in the document.
type docMoves struct {
	index, line int
	moves       []udiff.Move
}

// placeMoves records the moved blocks of lines as lines of the file, once r.After is final:
// the documents before a moved block may have grown or shrunk, ConfigMaps edited after the
// migration included. The documents are the same, in the same order.
func (r *FileResult) placeMoves(moved []docMoves) {
	if r.Err == nil {
		r.MovedLines = fileMoves(r.Path, r.After, moved)
	}
}

// fileMoves turns the moved blocks of documents into lines of the file after, which holds
// the same documents in the same order.
func fileMoves(path string, after []byte, moved []docMoves) []udiff.Move {
	if len(moved) == 0 {
		return nil
	}
	var lines []udiff.Move
	docs := yamldoc.Decode(path, after).Docs()
	for _, dm := range moved {
		if dm.index >= len(docs) {
			break
		}
		to := docs[dm.index].Line
		for _, m := range dm.moves {
			m.Before.From, m.Before.To = m.Before.From+dm.line-1, m.Before.To+dm.line-1
			m.After.From, m.After.To = m.After.From+to-1, m.After.To+to-1
			lines = append(lines, m)
		}
	}
	return lines
}

// migrateDocument migrates one document and returns its new content, or nil when it does not
// change, with the blocks of lines its moves took (udiff.Move, from 0 in the document).
// shift is added to the lines of the tree while the migration reads it: for an item of a
// List migrated on its own, the lines it has in the List (d.Line is then the List's).
func (r *FileResult) migrateDocument(d yamldoc.Doc, shift int, opts migrate.Options) ([]byte, []udiff.Move, *Error) {
	line := d.Line
	doc, err := yamldoc.Parse(d.Content, line+shift)
	if err = checkDocument(d.Content, line+shift, doc, err); err != nil || doc == nil {
		return nil, nil, err
	}
	// The tree carries file lines while the migration reads it, so that the lines its
	// messages quote are the findings' lines; the renderer gets the document's own back.
	toFile := shift + line - 1
	shiftParsed(doc, toFile)
	root := doc.Content[0]
	rootLine := root.Line
	if root.Kind == yaml.SequenceNode {
		// A list at the root is never an object to kustomize or kubectl: a JSON 6902 patch
		// or a replacements file, which kustomize reads as data.
		r.Findings = append(r.Findings, listFinding(root.Line))
		return nil, nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, nil, &Error{Line: root.Line, Msg: fmt.Sprintf("the document is a %s, not a Kubernetes object", yamldoc.KindName(root.Kind))}
	}
	r.addRefs(doc, 1) // an autoscaler whose comments or fields mention containers
	r.addConfigUses(d.Content, doc, opts)
	decision := migrate.Decide(yaml.NewRNode(doc), opts)
	decision = keepFencesWhole(d, doc, toFile, decision, opts)
	res := decision.Result
	r.strings.share(res.Findings)
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
			return nil, nil, &Error{Line: f.Line, Msg: where + ": " + f.Message}
		}
	}
	if !res.Changed() {
		return nil, nil, nil
	}
	// Rendering needs the layout of the tree before the edit. Taking it costs as much as
	// parsing, and most documents need no change: so it is taken only now, on the tree the
	// decision read, which the decision then edits.
	shiftParsed(doc, -toFile) // Decide read doc without editing it
	text, moves, fell, werr := d.WriteMoved(doc, func() (bool, error) {
		decision.Apply(yaml.NewRNode(doc))
		shiftLines(doc, -toFile) // the nodes the decision copied came back with its lines
		return true, nil
	})
	if fell {
		r.fallback(res, rootLine, "the edit could not be spliced into the original lines")
	}
	if werr != nil {
		return nil, nil, &Error{Line: line, Msg: werr.Error()}
	}
	return text, moves, nil
}

// collectRefs records the containers an autoscaler document names, and the ConfigMaps an
// object that is no workload uses. A document that does not parse is left to the tools that
// own it: it holds no workload.
func (r *FileResult) collectRefs(d yamldoc.Doc, opts migrate.Options) {
	if doc, err := d.Parse(); err == nil && doc != nil {
		r.addRefs(doc, d.Line)
		r.addConfigUses(d.Content, doc, opts)
	}
}

// addConfigUses records what, in a parsed document, sees a ConfigMap.
func (r *FileResult) addConfigUses(content []byte, doc *yaml.Node, opts migrate.Options) {
	if migrate.MayUseConfigMap(content) {
		r.configUses = append(r.configUses, migrate.ConfigMapUses(doc, opts)...)
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

func (r *FileResult) fallback(res migrate.Result, line int, why string) {
	r.Fallbacks++
	f := migrate.Finding{Rule: migrate.RuleFormattingFallback, Severity: migrate.Info, Line: line, Column: 1,
		Message: "formatting of this document could not be kept: " + why}
	if len(res.Findings) > 0 {
		f.Resource = res.Findings[0].Resource
	}
	r.Findings = append(r.Findings, f)
}

// Diff returns the unified diff of the file's migration (nil when nothing changed), which
// shows the moved blocks removed where they were and added where they are.
func (r FileResult) Diff() []byte {
	return udiff.Unified(r.Path, r.Before, r.After, r.MovedLines...)
}

// WriteDiff writes Diff to w a few hunks at a time, coloured when color is set, so that the
// diff of a large file is never held whole.
func (r FileResult) WriteDiff(w io.Writer, color bool) error {
	return udiff.Write(w, r.Path, r.Before, r.After, color, r.MovedLines...)
}
