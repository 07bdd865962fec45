package yamldoc

import (
	"bytes"
	"errors"

	"github.com/sidecar-migrate/sidecar-migrate/kio/splice"
	"github.com/sidecar-migrate/sidecar-migrate/kio/udiff"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Rewrite calls each for every document of the text, in order, and writes the file again
// with the new text of each document each returns (nil keeps a document as it is): the
// separators and every document left alone come back byte for byte, and the BOM and line
// endings are restored. changed is false, and out the content as read, when each kept every
// document. An error stops the loop; an *Error from each gets the text's Path (and, when it
// has none, the document's line), any other error becomes one at the document's line; a nil
// *Error passed on as an error is no error.
func (t *Text) Rewrite(each func(d Doc) ([]byte, error)) (out []byte, changed bool, err *Error) {
	var b bytes.Buffer
	prev := 0
	for _, d := range t.Docs() {
		text, eerr := each(d)
		if e, ok := eerr.(*Error); ok && e == nil {
			eerr = nil // a nil *Error, as Parse returns, passed on as an error
		}
		if eerr != nil {
			return t.data, false, t.docError(d, eerr)
		}
		if text == nil {
			continue
		}
		if need := d.start - prev + len(text); b.Available() < need {
			// Grown to the size the output will have if the rest of the file changes as the
			// part before did: one allocation in most files, instead of a copy at every
			// doubling in a file of many changed documents.
			total := (b.Len() + need) * len(t.Body) / max(d.end, 1)
			b.Grow(max(total-b.Len(), need) + 4096)
		}
		b.Write(t.Body[prev:d.start])
		b.Write(text)
		prev = d.end
	}
	if prev == 0 {
		return t.data, false, nil
	}
	b.Write(t.Body[prev:])
	return t.Encode(b.Bytes()), true, nil
}

func (t *Text) docError(d Doc, err error) *Error {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Line: d.Line, Msg: err.Error()}
	}
	if e.Line == 0 {
		e.Line = d.Line
	}
	e.Path = t.Path
	return e
}

// Write edits doc, the tree Parse gave for d, and returns the document's new text, or nil
// when edit reports no change. The layout of the text is taken before edit runs, so edit
// must follow the edit contract of package splice; the spliced text is parsed again and must
// hold the edited tree, or the document is serialized (JSON stays JSON) and fallback is set.
func (d Doc) Write(doc *yaml.Node, edit func() (changed bool, err error)) (text []byte, fallback bool, err error) {
	text, _, fallback, err = d.write(doc, edit, false)
	return text, fallback, err
}

// WriteMoved is Write that also returns the blocks of lines the edit moved (Layout.Moved of
// package splice), counted from 0 in the document, for a diff that shows them moving; none
// when the document was serialized.
func (d Doc) WriteMoved(doc *yaml.Node, edit func() (changed bool, err error)) (text []byte, moves []udiff.Move, fallback bool, err error) {
	return d.write(doc, edit, true)
}

func (d Doc) write(doc *yaml.Node, edit func() (bool, error), withMoves bool) (text []byte, moves []udiff.Move, fallback bool, err error) {
	l := splice.Snapshot(d.Content, doc)
	changed, err := edit()
	if err != nil || !changed {
		return nil, nil, false, err
	}
	if s, rerr := l.Render(doc); rerr == nil {
		// The proof: the text parsed again is the edited tree. When the edit lies inside one
		// entry and the rest is the original, parsing that entry alone is the same proof
		// (splice.Region says why); otherwise, or when that parse does not hold, the whole
		// text is parsed.
		if r, ok := l.Region(doc, s); ok {
			if tree, perr := Parse([]byte(r.Text), 1); perr == nil && r.Holds(tree) {
				if withMoves {
					moves = l.MovedIn(r, tree)
				}
				return []byte(s), moves, false, nil
			}
		}
		if back, perr := Parse([]byte(s), 1); perr == nil && back != nil && splice.SameTree(back, doc) {
			if withMoves {
				moves = l.Moved(doc, s, back)
			}
			return []byte(s), moves, false, nil
		}
	}
	s, serr := splice.Serialize(doc, d.Content, d.JSON)
	if serr != nil {
		return nil, nil, true, serr
	}
	return []byte(s), nil, true, nil
}
