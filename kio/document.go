package kio

import (
	"bytes"
	"errors"
	"io"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// text is a file's content as the migration sees it: without a UTF-8 byte order mark and
// with LF line endings. The original form is restored on output.
type text struct {
	bom  bool
	crlf bool
	body []byte
}

var utf8BOM = []byte("\xef\xbb\xbf")

func decodeText(data []byte) text {
	var t text
	if bytes.HasPrefix(data, utf8BOM) {
		t.bom, data = true, data[len(utf8BOM):]
	}
	// Only a file whose every line break is CRLF is converted; a mixed file is kept as is,
	// since converting it back could not restore it.
	if n := bytes.Count(data, []byte("\r\n")); n > 0 && n == bytes.Count(data, []byte("\n")) {
		t.crlf, data = true, bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	t.body = data
	return t
}

func (t text) encode(body []byte) []byte {
	if t.crlf {
		body = bytes.ReplaceAll(body, []byte("\n"), []byte("\r\n"))
	}
	if t.bom {
		body = append(append([]byte{}, utf8BOM...), body...)
	}
	return body
}

// document is one YAML document of a file: the bytes between two separators.
type document struct {
	start, end int // byte offsets of the document's content in the file's text
	line       int // 1-based line of the file where the content starts
}

// splitDocuments finds the documents of a YAML stream. A separator line ("---" or "...",
// optionally followed by a comment) stays outside every document, so it is kept byte for byte;
// a "---" line that carries content ("--- !tag", "--- |") starts the document it belongs to.
func splitDocuments(body []byte) []document {
	var docs []document
	cur := document{line: 1}
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
				cur = document{start: off, line: line}
			} else {
				cur = document{start: next, line: line + 1}
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

// parseDocument parses the content of one document into a node tree, or returns nil for a
// document with no content (only comments or blank lines). Errors carry the file line.
func parseDocument(content []byte, firstLine int) (*yaml.Node, *Error) {
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
