package kio

import (
	"strings"
	"unsafe"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A KRM function's ResourceList holds every resource of a kustomization or a kpt package, and
// its parse tree takes thirty times its text. So a ResourceList is read in parts instead: a
// cheap pass over its lines cuts it into chunks of whole items, and each chunk is parsed on
// its own, behind the list's own lines before the items (the head), as
//
//	head + chunk            (every chunk but the last)
//	head + last chunk + tail (the lines after the items: functionConfig, results)
//
// Only one chunk's nodes are alive at a time. The cut is taken only when it is proven to
// give the same nodes as a parse of the whole list; anything else reads the list whole.
//
// Why the parts give the nodes of the whole. The cut is made only where the input is a single
// document (no "---", "..." or "%" line, no byte order mark, no carriage return) that is a
// block mapping at column 0 whose "items:" line, alone, holds a block sequence whose dashes
// are at one column c; a chunk starts at a dash at column c whose previous non-blank line is
// not a comment, and runs to the next chunk or to the tail, the first line at column 0 that
// is no dash. Each part must then parse, pass checkDocument, and have the shape the cut
// assumes: the "items" key on the head's line, holding exactly the chunk's items, each one
// starting on the line of its dash (verifyItems). Given that, by induction over the chunks:
// the parser enters chunk k of the whole list in the state it enters the chunk's part, right
// after the head (true for the first), and leaves it in that state again:
//   - the part parsed to its end, so no quoted scalar and no flow collection is open at the
//     end of the chunk (either would be an error at the end of the part); the only open
//     constructs are block ones (plain and block scalars, mappings and sequences indented
//     deeper than c), and YAML closes every one of those at the next line that is not
//     indented past c, which a dash at c is: the whole list reaches the next dash in the
//     state after the head, one item further down the sequence;
//   - an anchor the chunk's items alias is defined in the chunk itself (an alias of another
//     chunk's anchor fails the part's parse; the head must have no anchor, which each part
//     would copy, and the tail no alias, which could be of an item's anchor), so aliases
//     resolve to the same nodes;
//   - a comment is attached by the parser to the node next to it; the last non-blank line
//     before a chunk's end is content, so every comment of the chunk has content of the
//     chunk after it, and the next chunk's comments are its own: a run of comments before a
//     dash (which could belong to either item) keeps the two items in one chunk.
//
// So each item's node, comments, styles and positions (the lines shifted by where the chunk
// starts) are those of the whole parse. The input checks hold too: a key set twice or not a
// scalar lies within one part (the head and tail keys are all in the last part), and the
// aliases of all parts are added up against the alias limit.

// rlParts is a ResourceList cut into its head, chunks of items, and tail.
type rlParts struct {
	head      []byte // up to and including the "items:" line
	headLines int
	chunks    []rlChunk
	tail      []byte
	dashes    []int // the file line of each item's dash, all chunks' in order
}

// rlChunk is one chunk of whole items: its bytes [start, end) in the input, the file line it
// starts on, and its items, dashes[first:first+n].
type rlChunk struct {
	start, end, line int
	first, n         int
}

// splitResourceList cuts data as the comment above says, or returns false.
func splitResourceList(data []byte) (rlParts, bool) {
	// A view of data as a string, for the line tests of list.go: data is never written.
	text := unsafe.String(unsafe.SliceData(data), len(data))
	var p rlParts
	col := -1             // the column of the items' dashes
	afterComment := false // the last non-blank line was a comment
	tailAt := len(text)
	for off, line := 0, 1; off < tailAt; line++ {
		end := strings.IndexByte(text[off:], '\n') + off + 1
		if end == off {
			end = len(text)
		}
		l := text[off:end]
		if strings.HasPrefix(l, "---") || strings.HasPrefix(l, "...") || l[0] == '%' {
			return rlParts{}, false // a document marker or a directive
		}
		switch {
		case p.head == nil: // the head
			if !blankLine(l) && !commentLine(l) && l[0] != ' ' && !startsKey(l) {
				return rlParts{}, false // not a block mapping at column 0
			}
			if strings.TrimRight(l, " \n") == "items:" {
				p.head, p.headLines = data[:end], line
			}
		case blankLine(l):
		case commentLine(l):
			afterComment = true
		default:
			ind := indent(l)
			dash := dashAt(l, ind)
			switch {
			case col < 0 && !dash:
				return rlParts{}, false // items is not a block sequence
			case col < 0: // the first chunk starts right after the head
				col = ind
				p.chunks = append(p.chunks, rlChunk{start: len(p.head), line: p.headLines + 1})
			case dash && ind == col && !afterComment:
				p.chunks = append(p.chunks, rlChunk{start: off, line: line, first: len(p.dashes)})
			case dash && ind == col: // after a comment, which may belong to either item
			case ind > col:
			case ind == 0 && startsKey(l):
				tailAt = off
			default:
				return rlParts{}, false
			}
			if dash && ind == col {
				p.dashes = append(p.dashes, line)
				p.chunks[len(p.chunks)-1].n++
			}
			afterComment = false
		}
		if tailAt > off {
			off = end
		}
	}
	if len(p.chunks) == 0 {
		return rlParts{}, false
	}
	for i := range p.chunks {
		p.chunks[i].end = tailAt
		if i+1 < len(p.chunks) {
			p.chunks[i].end = p.chunks[i+1].start
		}
	}
	p.tail = data[tailAt:]
	return p, true
}

// dashAt reports whether line has a block sequence entry's dash at column ind.
func dashAt(line string, ind int) bool {
	rest := line[ind:]
	return len(rest) > 0 && rest[0] == '-' && (len(rest) == 1 || rest[1] == ' ' || rest[1] == '\n')
}

// part returns the text a chunk is parsed from, in buf's storage: the head, the chunk and,
// for the last chunk, the tail.
func (p *rlParts) part(data []byte, k int, buf []byte) []byte {
	c := p.chunks[k]
	buf = append(append(buf[:0], p.head...), data[c.start:c.end]...)
	if k == len(p.chunks)-1 {
		buf = append(buf, p.tail...)
	}
	return buf
}

// verifyItems returns the items of chunk k from doc, the parse of its part, with the lines
// of the input, or false when the parse does not have the shape the cut assumes.
func (p *rlParts) verifyItems(doc *yaml.Node, k int) ([]*yaml.Node, bool) {
	if doc == nil || doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, false
	}
	root := doc.Content[0].Content
	var seq *yaml.Node
	for i := 0; i+1 < len(root); i += 2 {
		if key := root[i]; key.Line == p.headLines && key.Column == 1 && key.Value == "items" && key.Kind == yaml.ScalarNode {
			seq = root[i+1]
		}
	}
	c := p.chunks[k]
	if seq == nil || seq.Kind != yaml.SequenceNode || len(seq.Content) != c.n {
		return nil, false
	}
	shift := c.line - (p.headLines + 1) // the part has the head's lines before the chunk
	for j, item := range seq.Content {
		if item.Line+shift != p.dashes[c.first+j] {
			return nil, false
		}
	}
	for _, item := range seq.Content {
		shiftLines(item, shift)
	}
	return seq.Content, true
}
