// Package yamldoc turns a file's bytes into YAML documents and documents back into bytes,
// keeping everything it does not change byte for byte.
//
// # Reading
//
// Read checks that the content is text (CheckText: no NUL byte, valid UTF-8, the first bad
// line named) and decodes it into a Text: the UTF-8 byte order mark and CRLF line endings
// are taken off (a file whose line breaks are all CRLF; a mixed file is kept as it is) and
// put back by Encode. A reader that already ran CheckText over the bytes as it read them
// (the chunked scan of a file tree) uses Decode, so the check runs once. IsJSON is the one
// definition of a JSON file: its name ends in .json or its content starts with "{" or "[".
//
// Docs splits the text into documents at their separator lines ("---", "...", each
// optionally followed by a comment), which stay outside every document and so are kept;
// "--- !tag" or "--- |" starts the document it belongs to. Parse reads one document into a
// *yaml.Node tree whose lines and columns are those of the document's text, or nil when it
// holds only comments and blank lines. A JSON document with strings the YAML parser refuses
// but encoding/json reads (\/, UTF-16 surrogate escapes, characters YAML calls
// non-printable) is parsed from a copy of the same length and the strings get their real
// values back. A parse error is an *Error at the problem's file line and column (asked of
// go.yaml.in/yaml/v4 where it agrees), with the line quoted as compilers do (Quote).
//
// ContentScanner and HasContent tell whether a text holds anything but blank lines,
// comments and document markers: an empty file is said to be empty, not migrated.
//
// # Writing
//
// Rewrite is the one loop that writes a file again after editing some of its documents:
//
//	t, err := yamldoc.Read(path, data)
//	...
//	out, changed, err := t.Rewrite(func(d yamldoc.Doc) ([]byte, error) {
//		doc, err := d.Parse()
//		if err != nil || doc == nil {
//			return nil, err // nil keeps the document as it is
//		}
//		text, fallback, err := d.Write(doc, func() (bool, error) {
//			return edit(doc) // edit the tree in place, following package splice's contract
//		})
//		return text, err
//	})
//
// Doc.Write takes the document's layout before the edit, splices the edited tree into the
// original lines (package splice), parses the result again and compares it with the edited
// tree; when the splice cannot express the edit or its text does not hold it, the document
// is serialized instead (JSON stays JSON, YAML keeps its indentation style) and fallback is
// set, for the caller to report. Documents the loop leaves alone, and the separators, come
// back byte for byte, then the BOM and line endings are restored. An error of any document
// stops the loop: the caller keeps the file exactly as it was.
package yamldoc
