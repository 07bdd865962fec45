package kio

import (
	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"

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
	t, terr := yamldoc.Read(path, data)
	if terr != nil {
		return data, 0, terr
	}
	index := 0
	out, _, rerr := t.Rewrite(func(d yamldoc.Doc) ([]byte, error) {
		doc, perr := d.Parse()
		if perr != nil {
			return nil, perr
		}
		if doc == nil {
			return nil, nil
		}
		i := index
		index++
		text, fell, werr := d.Write(doc, func() (bool, error) { return edit(i, yaml.NewRNode(doc)) })
		if fell {
			fallbacks++
		}
		return text, werr
	})
	if rerr != nil {
		return data, 0, rerr
	}
	return out, fallbacks, nil
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
	t, err := yamldoc.Read(path, data)
	if err != nil {
		return nil, err
	}
	var docs []Document
	for _, d := range t.Docs() {
		doc, err := d.Parse()
		if err != nil {
			err.Path = path
			return nil, err
		}
		if doc != nil {
			docs = append(docs, Document{Node: doc.Content[0], Line: d.Line})
		}
	}
	return docs, nil
}
