package kio

import (
	"github.com/sidecar-migrate/sidecar-migrate/kio/udiff"
	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// EditFunc edits the i-th document (counting documents that hold content) of a file in
// place and reports whether it changed it.
type EditFunc func(i int, doc *yaml.RNode) (bool, error)

// EditBytes applies edit to every document of a YAML or JSON file and writes the result the
// way File writes a migration: documents edit leaves alone come back byte for byte,
// changed ones keep every line the edit did not touch (verified by parsing them again), and
// a document whose edit cannot be spliced into its lines is serialized, which fallbacks
// counts. It serves files other than manifests that must follow a migration, such as
// kustomize patches, and the YAML held in a block scalar.
func EditBytes(path string, data []byte, edit EditFunc) (out []byte, fallbacks int, err error) {
	e, err := EditFile(path, data, edit)
	return e.Out, e.Fallbacks, err
}

// Edited is what EditFile made of a file.
type Edited struct {
	Out       []byte       // the file after the edit; the input when the edit fails
	Fallbacks int          // documents serialized because their edit could not be spliced
	Moves     []udiff.Move // the blocks of lines the edit moved, as lines of the file (FileResult.MovedLines)
}

// EditFile is EditBytes that also returns the blocks of lines the edit moved, so that a diff
// of the file shows them moving and keeps the lines around them (a patch's app container).
func EditFile(path string, data []byte, edit EditFunc) (Edited, error) {
	t, terr := yamldoc.Read(path, data)
	if terr != nil {
		return Edited{Out: data}, terr
	}
	var e Edited
	var moved []docMoves
	index, all := 0, -1
	out, _, rerr := t.Rewrite(func(d yamldoc.Doc) ([]byte, error) {
		all++
		doc, perr := d.Parse()
		if perr != nil {
			return nil, perr
		}
		if doc == nil {
			return nil, nil
		}
		i := index
		index++
		text, moves, fell, werr := d.WriteMoved(doc, func() (bool, error) { return edit(i, yaml.NewRNode(doc)) })
		if fell {
			e.Fallbacks++
		}
		if len(moves) > 0 {
			moved = append(moved, docMoves{all, d.Line, moves})
		}
		return text, werr
	})
	if rerr != nil {
		return Edited{Out: data}, rerr
	}
	e.Out, e.Moves = out, fileMoves(path, out, moved)
	return e, nil
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

// ParseWorkloads parses the documents of a YAML or JSON file that may hold a pod
// (migrate.MayApply), as the migration does, and returns every document of the file in
// order, those it did not parse and those without content with a nil Node. An install file
// of definitions and a few Deployments costs the parse of the Deployments alone. Its indices
// count every document, unlike those of ParseDocuments and EditBytes.
func ParseWorkloads(path string, data []byte) ([]Document, error) {
	t, err := yamldoc.Read(path, data)
	if err != nil {
		return nil, err
	}
	docs := t.Docs()
	out := make([]Document, len(docs))
	for i, d := range docs {
		out[i].Line = d.Line
		if !migrate.MayApply(d.Content) {
			continue
		}
		doc, err := d.Parse()
		if err != nil {
			err.Path = path
			return nil, err
		}
		if doc != nil {
			out[i].Node = doc.Content[0]
		}
	}
	return out, nil
}
