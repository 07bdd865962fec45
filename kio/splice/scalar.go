package splice

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sidecar-migrate/sidecar-migrate/internal/textedit"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A scalar whose value changed is rewritten in place, whatever its style: block scalars ("|",
// "|-", "|+", ">", ">-", with or without an indentation indicator), quoted scalars over
// several lines, plain scalars over several lines. Its original text is decoded with the
// offset of the character behind every byte of the value; the part of the value that changed
// (between the common prefix and suffix of the old and new values) maps back to one byte
// range of the text, and only that range is replaced, encoded in the scalar's style. So a
// script that loses one statement loses one line, and its header, indentation, line breaks
// and escapes stay. The result is decoded again and must give the new value; anything else
// is ErrUnsupported (and the document is serialized).

// scalarText is a decoded scalar: its value, and for each byte of the value the document
// offset of the character that produced it. off[len(value)] is the end of the decoded text.
type scalarText struct {
	value strings.Builder
	off   []int
	// lastBreak is, for a block scalar, the offset of the line break after its last
	// content line.
	lastBreak int
}

// add appends s, produced by the text at offset at; a literal copy maps byte by byte.
func (d *scalarText) add(s string, at int, literal bool) {
	for i := 0; i < len(s); i++ {
		d.value.WriteByte(s[i])
		if literal {
			d.off = append(d.off, at+i)
		} else {
			d.off = append(d.off, at)
		}
	}
}

// truncate drops the value from byte n on.
func (d *scalarText) truncate(n int) {
	v := d.value.String()[:n]
	d.value.Reset()
	d.value.WriteString(v)
	d.off = d.off[:n]
}

// scalarCodec decodes the text of one scalar style and encodes new text for it.
type scalarCodec struct {
	style yaml.Style
	// Block scalars: the indentation of the content, the chomping indicator ('-', '+' or
	// 0), and the offset where the content lines start.
	pad   int
	chomp byte
	body  int
	// The offset of the scalar's first character (the quote, or the header indicator).
	start int
}

// scalarEdit returns the byte range [from, to) of the document text to replace with text so
// that scalar n, changed by the edit, holds its new value. limit is the offset its
// text cannot reach (the end of its entry's lines).
func (l *Layout) scalarEdit(n *yaml.Node, limit int) (from, to int, text string, err error) {
	orig, ok := l.orig[n]
	if !ok || n.Kind != yaml.ScalarNode || orig.kind != yaml.ScalarNode {
		return 0, 0, "", ErrUnsupported
	}
	t := l.text()
	c, old, ok := l.codec(n, orig, limit)
	if !ok {
		return 0, 0, "", ErrUnsupported
	}
	if n.Style != orig.style {
		// A new style (a block scalar item that becomes a one-line plain scalar): the whole scalar is
		// written again on its line.
		if strings.Contains(n.Value, "\n") || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			return 0, 0, "", ErrUnsupported
		}
		end := old.off[len(old.off)-1]
		switch {
		case c.isBlock():
			end = old.lastBreak
		case c.style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
			end++ // the closing quote
		}
		return c.start, end, encodeScalar(n), nil
	}
	for _, cand := range c.candidates(t, old, n.Value) {
		edited := t[:cand.From] + cand.Text + t[cand.To:]
		if got, ok := c.decode(edited, limit+len(edited)-len(t), n.Value); ok && got.value.String() == n.Value {
			return cand.From, cand.To, cand.Text, nil
		}
	}
	return 0, 0, "", ErrUnsupported
}

func (c scalarCodec) isBlock() bool { return c.style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 }

// codec reads the original text of scalar n and returns its codec and decoded text, which
// must give the value the parser read.
func (l *Layout) codec(n *yaml.Node, orig snapshot, limit int) (scalarCodec, *scalarText, bool) {
	t := l.text()
	c := scalarCodec{style: orig.style, start: l.start(n)}
	if c.isBlock() {
		nl := strings.IndexByte(t[c.start:], '\n')
		if nl < 0 {
			return c, nil, false
		}
		for _, ch := range t[c.start+1 : c.start+nl] {
			if ch == '-' || ch == '+' {
				c.chomp = byte(ch)
			}
			if ch == ' ' || ch == '#' {
				break
			}
		}
		c.body = c.start + nl + 1
		first := strings.TrimLeft(orig.value, "\n")
		lead := len(first) - len(strings.TrimLeft(first, " "))
		for off := c.body; off < limit; {
			line := lineAt(t, off)
			if strings.TrimSpace(line) != "" {
				c.pad = indentOf(line) - lead
				break
			}
			off += len(line) + 1
		}
		if c.pad <= 0 {
			return c, nil, false
		}
	}
	d, ok := c.decode(t, limit, orig.value)
	if !ok || d.value.String() != orig.value {
		return c, nil, false
	}
	return c, d, true
}

// lineAt returns the line of t that starts at off, without its line break.
func lineAt(t string, off int) string {
	if nl := strings.IndexByte(t[off:], '\n'); nl >= 0 {
		return t[off : off+nl]
	}
	return t[off:]
}

func (c scalarCodec) decode(t string, limit int, want string) (*scalarText, bool) {
	switch {
	case c.isBlock():
		return c.decodeBlock(t, limit)
	case c.style&yaml.DoubleQuotedStyle != 0:
		return decodeQuoted(t, c.start, '"')
	case c.style&yaml.SingleQuotedStyle != 0:
		return decodeQuoted(t, c.start, '\'')
	case c.style&yaml.FlowStyle == 0:
		return decodePlain(t, c.start, limit, want)
	}
	return nil, false
}

// blockLine is one line of a block scalar's content.
type blockLine struct {
	text  string // the line without the content indentation; "" for an empty line
	at    int    // offset of text
	brk   int    // offset of the line break that ends it
	empty bool
}

// decodeBlock decodes the content lines of a block scalar, up to the first line indented
// less than the content (or limit).
func (c scalarCodec) decodeBlock(t string, limit int) (*scalarText, bool) {
	var lines []blockLine
	for off := c.body; off < limit; {
		line := lineAt(t, off)
		brk := off + len(line)
		if brk >= len(t) || t[brk] != '\n' {
			return nil, false
		}
		switch {
		case strings.TrimLeft(line, " ") == "" && len(line) <= c.pad:
			lines = append(lines, blockLine{at: off + len(line), brk: brk, empty: true})
		case indentOf(line) < c.pad:
			off = limit // the scalar ends here
			continue
		default:
			lines = append(lines, blockLine{text: line[c.pad:], at: off + c.pad, brk: brk})
		}
		off = brk + 1
	}
	last := -1
	for i, ln := range lines {
		if !ln.empty {
			last = i
		}
	}
	if last < 0 {
		return nil, false
	}
	d := &scalarText{}
	folded := c.style&yaml.FoldedStyle != 0
	prev := -1 // the previous non-empty line
	for i := 0; i <= last; i++ {
		ln := lines[i]
		if ln.empty {
			if prev < 0 {
				d.add("\n", ln.brk, false) // leading empty lines are kept
			}
			continue
		}
		if prev >= 0 {
			spaced := func(s string) bool { return s[0] == ' ' || s[0] == '\t' }
			fold := folded && !spaced(lines[prev].text) && !spaced(ln.text)
			if !fold {
				d.add("\n", lines[prev].brk, false)
			} else if prev == i-1 {
				d.add(" ", lines[prev].brk, false)
			}
			for j := prev + 1; j < i; j++ {
				d.add("\n", lines[j].brk, false)
			}
		}
		d.add(ln.text, ln.at, true)
		prev = i
	}
	end := lines[last].brk
	d.lastBreak = end
	switch c.chomp {
	case '-':
	case '+':
		d.add("\n", end, false)
		for _, ln := range lines[last+1:] {
			d.add("\n", ln.brk, false)
			end = ln.brk
		}
		end++
	default:
		d.add("\n", end, false)
		end++
	}
	d.off = append(d.off, end)
	return d, true
}

// decodeQuoted decodes the quoted scalar whose opening quote q is at t[s].
func decodeQuoted(t string, s int, q byte) (*scalarText, bool) {
	d := &scalarText{}
	keep := 0 // the value up to here is not trailing white space of a line
	for i := s + 1; i < len(t); {
		ch := t[i]
		switch {
		case ch == q && q == '\'' && i+1 < len(t) && t[i+1] == '\'':
			d.add("'", i, false)
			i += 2
			keep = d.value.Len()
		case ch == q:
			d.off = append(d.off, i) // the closing quote
			return d, true
		case ch == '\\' && q == '"':
			if i+1 < len(t) && t[i+1] == '\n' { // an escaped line break joins the lines
				i = skipBlank(t, i+2, d)
				keep = d.value.Len()
				continue
			}
			r, n, ok := unescape(t[i:])
			if !ok {
				return nil, false
			}
			d.add(r, i, false)
			i += n
			keep = d.value.Len()
		case ch == '\n':
			ws := d.off[keep:]
			at := i
			if len(ws) > 0 {
				at = ws[0]
			}
			d.truncate(keep)
			empties := 0
			j := i + 1
			for {
				line := lineAt(t, j)
				if strings.TrimLeft(line, " \t") != "" || j+len(line) >= len(t) {
					break
				}
				empties++
				j += len(line) + 1
			}
			if empties == 0 {
				d.add(" ", at, false)
			} else {
				d.add(strings.Repeat("\n", empties), at, false)
			}
			i = j
			for i < len(t) && (t[i] == ' ' || t[i] == '\t') {
				i++
			}
		default:
			d.add(t[i:i+1], i, true)
			i++
			if ch != ' ' && ch != '\t' {
				keep = d.value.Len()
			}
		}
	}
	return nil, false
}

// skipBlank skips the empty lines after an escaped line break (each is a line feed of the
// value) and the indentation of the next line.
func skipBlank(t string, i int, d *scalarText) int {
	for {
		j := i
		for j < len(t) && (t[j] == ' ' || t[j] == '\t') {
			j++
		}
		if j < len(t) && t[j] == '\n' {
			d.add("\n", j, false)
			i = j + 1
			continue
		}
		return j
	}
}

// unescape decodes the escape sequence at the start of s ("\n", "\x41", "\u00e9"...).
func unescape(s string) (string, int, bool) {
	if len(s) < 2 {
		return "", 0, false
	}
	simple := map[byte]string{'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", '\t': "\t", 'n': "\n", 'v': "\v", 'f': "\f",
		'r': "\r", 'e': "\x1b", ' ': " ", '"': "\"", '/': "/", '\\': "\\", 'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029"}
	if r, ok := simple[s[1]]; ok {
		return r, 2, true
	}
	width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[s[1]]
	if width == 0 || len(s) < 2+width {
		return "", 0, false
	}
	v, err := strconv.ParseUint(s[2:2+width], 16, 32)
	if err == nil && s[1] == 'u' && utf16.IsSurrogate(rune(v)) {
		return jsonSurrogate(s, rune(v)) // only in JSON, which readableJSON lets through
	}
	if err != nil || !utf8.ValidRune(rune(v)) {
		return "", 0, false
	}
	return string(rune(v)), 2 + width, true
}

// jsonSurrogate decodes the UTF-16 surrogate escape r at the start of s as encoding/json
// does: with the low surrogate escape after it into one character, alone into U+FFFD.
func jsonSurrogate(s string, r rune) (string, int, bool) {
	if len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
		if low, err := strconv.ParseUint(s[8:12], 16, 32); err == nil {
			if c := utf16.DecodeRune(r, rune(low)); c != utf8.RuneError {
				return string(c), 12, true
			}
		}
	}
	return string(utf8.RuneError), 6, true
}

// decodePlain decodes a plain scalar in block context, which may go on over the next lines.
// Where it ends depends on the indentation of its parent, so it reads line by line until the
// value is want; the caller's check of the whole document rules out a longer scalar.
func decodePlain(t string, s, limit int, want string) (*scalarText, bool) {
	d := &scalarText{}
	for i := s; i < limit; {
		line := lineAt(t, i)
		if c := strings.Index(line, " #"); c >= 0 {
			line = line[:c]
		}
		text := strings.TrimRight(line, " \t")
		d.add(text, i, true)
		end := i + len(text)
		if d.value.String() == want {
			d.off = append(d.off, end)
			return d, true
		}
		if !strings.HasPrefix(want, d.value.String()) {
			return nil, false
		}
		// The next non-empty line continues the scalar: one space, or a line feed for
		// each empty line between.
		empties, j := 0, i+len(lineAt(t, i))+1
		for j < limit && strings.TrimSpace(lineAt(t, j)) == "" {
			empties++
			j += len(lineAt(t, j)) + 1
		}
		if empties == 0 {
			d.add(" ", end, false)
		} else {
			d.add(strings.Repeat("\n", empties), end, false)
		}
		i = j + len(lineAt(t, j)) - len(strings.TrimLeft(lineAt(t, j), " \t"))
	}
	return nil, false
}

// candidates returns the ways to turn the old value into value by one replacement, the
// tidiest first: a removed part that covers whole lines takes the lines with it.
func (c scalarCodec) candidates(t string, old *scalarText, value string) []textedit.Edit {
	ov := old.value.String()
	p := 0
	for p < len(ov) && p < len(value) && ov[p] == value[p] {
		p++
	}
	s := 0
	for s < len(ov)-p && s < len(value)-p && ov[len(ov)-1-s] == value[len(value)-1-s] {
		s++
	}
	if c.style&yaml.LiteralStyle != 0 {
		// Change whole lines of a literal scalar: the prefix ends, and the suffix starts,
		// at a line start.
		p = strings.LastIndexByte(ov[:p], '\n') + 1
		for s > 0 && ov[len(ov)-1-s] != '\n' {
			s--
		}
	}
	mid := value[p : len(value)-s]
	from, to := old.off[p], old.off[len(ov)-s]
	text, ok := c.encode(mid, t, to)
	if !ok {
		return nil
	}
	var out []textedit.Edit
	if text == "" && onlySpaceBefore(t, from) {
		if to > from && t[to-1] == '\n' {
			// The removed part ends its last line: the lines go with their indentation,
			// which would be left as a line of spaces.
			out = append(out, textedit.Edit{From: lineStart(t, from), To: to})
		}
		if to < len(t) && t[to] == '\n' {
			to++
		}
		if onlySpaceBefore(t, to) {
			out = append(out, textedit.Edit{From: lineStart(t, from), To: lineStart(t, to)})
		}
	}
	return append(out, textedit.Edit{From: old.off[p], To: old.off[len(ov)-s], Text: text})
}

func onlySpaceBefore(t string, at int) bool {
	return strings.TrimLeft(t[lineStart(t, at):at], " \t") == ""
}

func lineStart(t string, at int) int { return strings.LastIndexByte(t[:at], '\n') + 1 }

// encode writes part of a value in the scalar's style; next is the offset of the text that
// follows it.
func (c scalarCodec) encode(s, t string, next int) (string, bool) {
	switch {
	case c.style&yaml.DoubleQuotedStyle != 0:
		var b strings.Builder
		for _, r := range s {
			switch {
			case r == '"' || r == '\\':
				b.WriteString("\\" + string(r))
			case r == '\n':
				b.WriteString(`\n`)
			case r == '\t':
				b.WriteString(`\t`)
			case r < 0x20:
				b.WriteString(`\x` + strconv.FormatUint(uint64(r)|0x100, 16)[1:])
			default:
				b.WriteRune(r)
			}
		}
		return b.String(), true
	case c.style&yaml.SingleQuotedStyle != 0:
		return strings.ReplaceAll(s, "'", "''"), !strings.Contains(s, "\n")
	case c.style&yaml.LiteralStyle != 0:
		// Every line after a line break gets the content indentation, but for empty lines;
		// the text after the last break continues a content line unless next starts a line.
		parts := strings.Split(s, "\n")
		pad := strings.Repeat(" ", c.pad)
		for i := 1; i < len(parts); i++ {
			content := parts[i] != ""
			if i == len(parts)-1 && next < len(t) && t[next-1] != '\n' && t[next] != '\n' {
				content = true
			}
			if content {
				parts[i] = pad + parts[i]
			}
		}
		return strings.Join(parts, "\n"), true
	}
	return s, !strings.Contains(s, "\n") // folded and plain: one line
}

// lineOffset returns the document offset of the start of line i (0-based); len(l.lines)
// gives the end of the document.
func (l *Layout) lineOffset(i int) int {
	l.offset(1, 1) // computes l.starts
	return l.starts[i]
}

// flowScalar returns the new text of a changed scalar inside a flow collection: a quoted
// one is edited by byte range like in block context; a new one is encoded on one line.
func (l *Layout) flowScalar(n *yaml.Node) (string, error) {
	if orig, ok := l.orig[n]; ok && orig.style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		t := l.text()
		from, to, text, err := l.scalarEdit(n, len(t))
		if err != nil {
			return "", err
		}
		return t[l.start(n):from] + text + t[to:max(l.end(n), to)], nil
	}
	if strings.Contains(n.Value, "\n") {
		return "", ErrUnsupported
	}
	return encodeScalar(n), nil
}
