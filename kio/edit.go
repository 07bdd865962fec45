package kio

import (
	"bytes"
	"path/filepath"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio/splice"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// EditFunc edits the i-th document (counting documents that hold content) of a file in
// place and reports whether it changed it.
type EditFunc func(i int, doc *yaml.RNode) (bool, error)

// EditBytes applies edit to every document of a YAML or JSON file and writes the result the
// way MigrateBytes writes a migration: documents edit leaves alone come back byte for byte,
// changed ones keep every line the edit did not touch (verified by parsing them again), and
// a document whose edit cannot be spliced into its lines is serialized, which fallbacks
// counts. It serves files other than manifests that must follow a migration, such as
// kustomize patches, and the YAML held in a block scalar.
func EditBytes(path string, data []byte, edit EditFunc) (out []byte, fallbacks int, err error) {
	if cerr := checkText(data); cerr != nil {
		cerr.Path = path
		return data, 0, cerr
	}
	t := decodeText(data)
	isJSON := jsonFile(path, t.body)
	var b bytes.Buffer
	prev, index := 0, 0
	for _, d := range splitDocuments(t.body) {
		content := t.body[d.start:d.end]
		doc, perr := parseDocument(content, d.line)
		if perr != nil {
			perr.Path = path
			return data, 0, perr
		}
		if doc == nil {
			continue
		}
		l := splice.Snapshot(content, doc)
		changed, eerr := edit(index, yaml.NewRNode(doc))
		index++
		if eerr != nil {
			return data, 0, &Error{Path: path, Line: d.line, Msg: eerr.Error()}
		}
		if !changed {
			continue
		}
		text, fell, serr := writeEdited(l, doc, content, isJSON)
		if serr != nil {
			return data, 0, &Error{Path: path, Line: d.line, Msg: serr.Error()}
		}
		if fell {
			fallbacks++
		}
		b.Write(t.body[prev:d.start])
		b.WriteString(text)
		prev = d.end
	}
	if prev == 0 {
		return data, 0, nil
	}
	b.Write(t.body[prev:])
	return t.encode(b.Bytes()), fallbacks, nil
}

// jsonFile reports whether a file is JSON, so that a document that must be serialized is
// written as JSON: its name ends in .json, or its content starts with "{" or "[" (a JSON
// object, or the array of a JSON patch), which no YAML manifest does at its first byte of
// content except as a flow collection, for which JSON is the same text.
func jsonFile(path string, body []byte) bool {
	body = bytes.TrimSpace(body)
	return strings.EqualFold(filepath.Ext(path), ".json") || bytes.HasPrefix(body, []byte("{")) || bytes.HasPrefix(body, []byte("["))
}

// writeEdited writes an edited document by splicing its original lines (l, taken before the
// edit), or serializes it when the splice cannot express the edit or its text does not
// parse back to the edited tree. fallback says it was serialized.
func writeEdited(l *splice.Layout, doc *yaml.Node, content []byte, isJSON bool) (text string, fallback bool, err error) {
	if text, err = l.Render(doc); err == nil {
		if parsed, perr := parseDocument([]byte(text), 1); perr == nil && parsed != nil && splice.SameTree(parsed, doc) {
			return text, false, nil
		}
	}
	text, err = splice.Serialize(doc, content, isJSON)
	return text, true, err
}

// Document is one document of a file that holds content, as EditBytes counts them.
type Document struct {
	Node *yaml.Node // the document's root node
	Line int        // the file line the document's content starts on
}

// LineOf returns the file line of a node of the document.
func (d Document) LineOf(n *yaml.Node) int { return d.Line + n.Line - 1 }

// ParseDocuments parses the documents of a YAML or JSON file that hold content, in the
// order and with the indices that EditBytes gives its EditFunc.
func ParseDocuments(path string, data []byte) ([]Document, error) {
	if cerr := checkText(data); cerr != nil {
		cerr.Path = path
		return nil, cerr
	}
	t := decodeText(data)
	var docs []Document
	for _, d := range splitDocuments(t.body) {
		doc, err := parseDocument(t.body[d.start:d.end], d.line)
		if err != nil {
			err.Path = path
			return nil, err
		}
		if doc != nil {
			docs = append(docs, Document{Node: doc.Content[0], Line: d.line})
		}
	}
	return docs, nil
}
