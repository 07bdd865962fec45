package yamldoc

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// JSON is YAML, except in its strings: the YAML parser refuses three things encoding/json
// (and so kubectl) reads, the escape \/, UTF-16 surrogate escapes (\ud83d\ude00, what
// Python's json.dumps writes for every character outside the BMP), and raw characters YAML
// calls non-printable (U+007F to U+009F but U+0085, U+FFFE, U+FFFF). A JSON document that
// holds any of them is parsed from a copy where each is replaced by something the parser
// reads with as many characters, so every node keeps its line and column and the layout of
// the original text stays true; the strings touched then get their real value back, decoded
// from the original by encoding/json. The original bytes are what is kept and spliced.

// textPos is the 1-based line and column (in characters) of a node, as the parser gives them.
type textPos struct{ line, col int }

// jsonStrings are the true values of the strings that readableJSON rewrote, by position.
type jsonStrings map[textPos]string

// readableJSON returns content itself and nil when the parser reads it as it is, or when it
// is not JSON; otherwise the rewritten copy and the strings to restore after parsing.
func readableJSON(content []byte) ([]byte, jsonStrings) {
	if !mayNeedRewrite(content) || !json.Valid(content) {
		return content, nil
	}
	out := bytes.Clone(content)
	fixes := jsonStrings{}
	line, lineStart := 1, 0
	for i := 0; i < len(content); i++ {
		switch content[i] {
		case '\n':
			line, lineStart = line+1, i+1
		case '"':
			end, changed := rewriteString(content, out, i)
			if changed {
				var v string
				if err := json.Unmarshal(content[i:end], &v); err == nil {
					fixes[textPos{line, utf8.RuneCount(content[lineStart:i]) + 1}] = v
				}
			}
			i = end - 1 // a JSON string holds no raw line break
		}
	}
	if len(fixes) == 0 {
		return content, nil
	}
	return out, fixes
}

// mayNeedRewrite is a quick test for what readableJSON rewrites: a backslash, or a lead
// byte of the characters YAML refuses.
func mayNeedRewrite(b []byte) bool {
	for _, c := range []byte{'\\', 0x7f, 0xc2, 0xef} {
		if bytes.IndexByte(b, c) >= 0 {
			return true
		}
	}
	return false
}

// rewriteString rewrites in out the JSON string that opens at src[at], and returns the
// offset after its closing quote and whether it changed anything.
func rewriteString(src, out []byte, at int) (end int, changed bool) {
	for i := at + 1; i < len(src); {
		switch c := src[i]; {
		case c == '"':
			return i + 1, changed
		case c == '\\' && src[i+1] == '/':
			copy(out[i:], `\_`) // two characters, as \/ is
			changed = true
			i += 2
		case c == '\\' && src[i+1] == 'u' && isSurrogate(src[i+2:i+6]):
			copy(out[i:], `\u003f`) // one escape for another: six characters
			changed = true
			i += 6
		case c == '\\':
			i += 2 // a one-letter escape, or the \u of a character YAML reads
		case c == 0x7f:
			out[i] = '?'
			changed = true
			i++
		case c < utf8.RuneSelf:
			i++
		default:
			r, w := utf8.DecodeRune(src[i:])
			if !yamlPrintable(r) {
				// A printable character of the same width: U+00BF for U+0080-U+009F,
				// U+FFFD for U+FFFE and U+FFFF.
				out[i+w-1] = map[int]byte{2: 0xbf, 3: 0xbd}[w]
				changed = true
			}
			i += w
		}
	}
	return len(src), changed
}

// isSurrogate reports whether four hex digits name a UTF-16 surrogate, D800 to DFFF.
func isSurrogate(hex []byte) bool {
	return len(hex) == 4 && (hex[0] == 'd' || hex[0] == 'D') && bytes.IndexByte([]byte("89abcdefABCDEF"), hex[1]) >= 0
}

// yamlPrintable reports whether the YAML parser reads a character above ASCII raw.
func yamlPrintable(r rune) bool {
	return !(r >= 0x80 && r <= 0x9f && r != 0x85 || r == 0xfffe || r == 0xffff)
}

// restore gives the rewritten strings of doc their real values, and reports whether every
// one was found: a string not found would keep a wrong value, so the caller refuses then.
func (s jsonStrings) restore(doc *yaml.Node) bool {
	found := 0
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode && n.Style&yaml.DoubleQuotedStyle != 0 {
			if v, ok := s[textPos{n.Line, n.Column}]; ok {
				n.Value = v
				found++
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(doc)
	return found == len(s)
}
