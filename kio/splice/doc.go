// Package splice writes an edited YAML or JSON document back as its original text with only
// the edited parts changed: every line (and, inside flow collections and scalars, every byte)
// the edit did not touch is copied as it was, comments and formatting included.
//
// # Use
//
// Take a Snapshot of the parsed document before editing its tree, edit the tree in place,
// then Render it:
//
//	l := splice.Snapshot(content, doc) // content: the exact text doc was parsed from
//	edit(doc)
//	text, err := l.Render(doc)
//	if err != nil || !splice.SameTree(parse(text), doc) {
//		text, err = splice.Serialize(doc, content, isJSON) // formatting is lost
//	}
//
// Render is a splicer, not a proof. Its text must be parsed again and compared with the
// edited tree (SameTree) before it is trusted; ErrUnsupported, or a text that does not hold
// the edit, means the document is written whole by Serialize, which callers report as a
// formatting fallback. When the edit lies inside one entry and the rest of the text is the
// original, Region gives that entry's new lines, and parsing them alone (Region.Holds) is the
// same proof at the cost of the entry (region.go says why); MovedIn is then Moved.
//
// # The edit contract
//
// Render finds what changed by comparing the edited tree with the snapshot, node pointer by
// node pointer: a node is the same entry when it is the same *yaml.Node. An edit is spliced
// when it is made of these shapes:
//
//   - Scalar byte edits. A scalar whose value changed is rewritten in its own style (plain,
//     quoted, literal or folded block, over one line or several) by replacing only the bytes
//     between the common prefix and suffix of its old and new values; a block script that
//     loses a statement loses one line. A new style on a scalar is written on its line when
//     the new value fits on one line. A value that the style cannot hold in place (a new line
//     feed in a folded or single-quoted scalar) is ErrUnsupported.
//   - Deleted keys and items. An entry removed from a block collection is cut with its head
//     comments and the blank lines after it; one removed from a flow collection is cut with
//     its separator.
//   - New keys. A pair added to a block mapping is written where it stands in the mapping's
//     content, at its siblings' column: a one-line scalar value on one line; a block mapping
//     or sequence made only of new nodes serialized in the document's indentation style; a
//     sequence of moved items (below). A pair added to a flow mapping follows its neighbours'
//     quoting and separator. A new item of a sequence must be a one-line scalar.
//   - Moved node pointers. An item taken from one block sequence and appended, as the same
//     node, to another (or to the sequence of a new key) is copied from its original lines,
//     comments included, and re-indented to its new column. A deep copy is a new node, not a
//     moved one: move the pointer. An empty sequence ("key: []") may be given moved items
//     once its node has block style, and a null value ("key:") once its node is made a
//     block sequence in place (*node = yaml.Node{Kind: yaml.SequenceNode, ...}); a value
//     swapped for another node is refused.
//   - Shared nodes. A block mapping that is the value of a sibling key, set as the value of
//     a new key of the same mapping (one probe used for two keys), is written under the new
//     key as a copy of its lines.
//   - Flow style copied. Items moved out of a flow sequence can only be written in flow
//     style: the sequence that receives them must have yaml.FlowStyle set by the caller, and
//     is laid out like the sequence they came from.
//
// # Fallback
//
// Anything else is ErrUnsupported: a nil Layout (content with a lone carriage return, whose
// lines the parser and the splicer count differently), entries of one collection reordered,
// a collection emptied ("[]" or "{}" would have to be written), a renamed or restyled key,
// a value swapped for another node, a new first key of a mapping whose first key shares its
// line with a sequence dash ("- name: x"), a new item that is not a one-line scalar, a moved
// item from a flow sequence into a block one, a kind or style change of a collection, and a
// root that is neither a block nor a flow collection.
//
// # What the caller keeps
//
// The snapshot refers to the nodes of the tree and to their positions: the caller must pass
// the exact text the tree was parsed from (after any line-ending conversion it made), must
// not change the Line and Column of original nodes it keeps (a null value made a sequence in
// place is the one node that may lose them), and must render once per snapshot: Render
// memoizes which nodes changed.
// Serialize needs the same text, to follow its indentation (JSON stays JSON).
package splice
