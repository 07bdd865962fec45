package yamldoc

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Text is a file's content as its documents see it: without a UTF-8 byte order mark and
// with LF line endings. Encode restores the original form on output.
type Text struct {
	Path string // used in errors, and to tell JSON from YAML
	Body []byte // the content without its BOM, with LF line endings
	JSON bool   // the file is JSON (see IsJSON): a serialized document is written as JSON
	data []byte // the content as read
	bom  bool
	crlf bool
}

var utf8BOM = []byte("\xef\xbb\xbf")

// Read checks that data is text (CheckText) and decodes it. path names the file in errors.
func Read(path string, data []byte) (*Text, *Error) {
	if err := CheckText(data, 1); err != nil {
		err.Path = path
		return nil, err
	}
	return Decode(path, data), nil
}

// Decode decodes data that is known to be text: a reader that ran CheckText over it as it
// read it need not scan it again.
func Decode(path string, data []byte) *Text {
	t := &Text{Path: path, data: data}
	if bytes.HasPrefix(data, utf8BOM) {
		t.bom, data = true, data[len(utf8BOM):]
	}
	// Only a file whose every line break is CRLF is converted; a mixed file is kept as is,
	// since converting it back could not restore it.
	if n := bytes.Count(data, []byte("\r\n")); n > 0 && n == bytes.Count(data, []byte("\n")) {
		t.crlf, data = true, bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	t.Body = data
	t.JSON = IsJSON(path, data)
	return t
}

// Encode turns a new body back into the file's form: its BOM and line endings.
func (t *Text) Encode(body []byte) []byte {
	if t.crlf {
		body = bytes.ReplaceAll(body, []byte("\n"), []byte("\r\n"))
	}
	if t.bom {
		body = append(append([]byte{}, utf8BOM...), body...)
	}
	return body
}

// IsJSON reports whether a file is JSON, so that a document that must be serialized is
// written as JSON: its name ends in .json, or its content starts with "{" or "[" (a JSON
// object, or the array of a JSON patch), which no YAML manifest does at its first byte of
// content except as a flow collection, for which JSON is the same text.
func IsJSON(path string, body []byte) bool {
	body = bytes.TrimSpace(body)
	return strings.EqualFold(filepath.Ext(path), ".json") || bytes.HasPrefix(body, []byte("{")) || bytes.HasPrefix(body, []byte("["))
}

// CheckText rejects content that is not UTF-8 text, naming the first bad line; firstLine is
// the file line b starts on (b may be one chunk of a file read in parts).
func CheckText(b []byte, firstLine int) *Error {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return &Error{Line: firstLine + bytes.Count(b[:i], []byte("\n")), Msg: "binary content (a NUL byte), not YAML"}
	}
	if utf8.Valid(b) {
		return nil
	}
	for i, line := range bytes.SplitAfter(b, []byte("\n")) {
		if !utf8.Valid(line) {
			return &Error{Line: firstLine + i, Msg: "not UTF-8 text"}
		}
	}
	return nil
}

// Doc is one YAML document of a file: the bytes between two separators.
type Doc struct {
	Content []byte // the document's text, in the Text's Body
	Line    int    // 1-based line of the file where the content starts
	JSON    bool   // the file is JSON
	start   int    // byte offsets of Content in the Body
	end     int
}

// Docs returns the documents of the text, every one, including those without content.
func (t *Text) Docs() []Doc {
	docs := splitDocuments(t.Body)
	for i := range docs {
		docs[i].Content, docs[i].JSON = t.Body[docs[i].start:docs[i].end], t.JSON
	}
	return docs
}

// Parse parses the document; see Parse.
func (d Doc) Parse() (*yaml.Node, *Error) { return Parse(d.Content, d.Line) }

// splitDocuments finds the documents of a YAML stream. A separator line ("---" or "...",
// optionally followed by a comment) stays outside every document, so it is kept byte for byte;
// a "---" line that carries content ("--- !tag", "--- |") starts the document it belongs to.
func splitDocuments(body []byte) []Doc {
	var docs []Doc
	cur := Doc{Line: 1}
	line := 1
	for off := 0; off < len(body); line++ {
		next := bytes.IndexByte(body[off:], '\n')
		if next < 0 {
			next = len(body)
		} else {
			next += off + 1
		}
		l := body[off:next]
		if marker, content := isSeparator(l); marker {
			cur.end = off
			docs = append(docs, cur)
			if content {
				cur = Doc{start: off, Line: line}
			} else {
				cur = Doc{start: next, Line: line + 1}
			}
		}
		off = next
	}
	cur.end = len(body)
	return append(docs, cur)
}

// isSeparator reports whether a line is a document marker, and whether it also holds content.
func isSeparator(l []byte) (marker, content bool) {
	if !bytes.HasPrefix(l, []byte("---")) && !bytes.HasPrefix(l, []byte("...")) {
		return false, false
	}
	rest := l[3:]
	if len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t' && rest[0] != '\n' && rest[0] != '\r' {
		return false, false
	}
	rest = bytes.TrimSpace(rest)
	return true, len(rest) > 0 && rest[0] != '#' && l[0] == '-'
}

// Parse parses the content of one document, which starts at file line firstLine, into a
// node tree with the positions of the document's text, or returns nil for a document with no
// content (only comments or blank lines). Errors carry the file line and column, and quote
// the line. JSON strings the YAML parser refuses but encoding/json reads are read too
// (jsontext.go).
func Parse(content []byte, firstLine int) (*yaml.Node, *Error) {
	readable, fixes := readableJSON(content)
	dec := yaml.NewDecoder(bytes.NewReader(readable))
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, parseError(err, content, firstLine)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &Error{Line: firstLine + extra.Line - 1, Msg: "unexpected second document inside one document"}
	}
	if fixes != nil && !fixes.restore(&n) {
		return nil, &Error{Line: firstLine, Msg: "a JSON string the YAML parser cannot read was not found in the parsed document"}
	}
	return &n, nil
}
