package kio

import (
	"bytes"
	"errors"
	"strconv"

	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"

	kyio "sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// partsReader reads the items of a ResourceList cut in parts (rlsplit.go) one chunk at a
// time, and writes each item once the function is done with it, so that only one chunk's
// nodes and the text of the items written so far are held.
type partsReader struct {
	data  []byte
	parts rlParts
	// format is the internal annotations, as read, of an item that has some of the path,
	// index and id annotations: what ReconcileInternalAnnotations reads the format of the
	// whole list from (all such items must agree), standing for the items not at hand.
	format map[string]string
	buf    []byte     // the text of the part being parsed
	next   int        // the next chunk to read
	index  int        // the index in the list of the next item to read
	out    textBuffer // the items written so far, each as an entry of the items sequence
	err    error      // the first error writing an item
}

// readParts reads data, a ResourceList, in parts, with File's input checks, or returns false
// when it cannot: then the list is read whole, which gives the same list, or the error.
func readParts(data []byte) (*ResourceList, bool) {
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) || bytes.IndexByte(data, '\r') >= 0 || yamldoc.CheckText(data, 1) != nil {
		return nil, false
	}
	p, ok := splitResourceList(data)
	// Each part has its own copy of the head: an anchor there, which items of several parts
	// may alias, would be one node for them all in the whole list. And an alias in the tail
	// may be of an item's anchor, one node with the item in the whole list.
	if !ok || bytes.IndexByte(p.head, '&') >= 0 || bytes.IndexByte(p.tail, '*') >= 0 {
		return nil, false
	}
	r := &partsReader{data: data, parts: p}
	consistent := func(a map[string]string) bool {
		if !hasFileAnnotations(a) {
			return true
		}
		if r.format == nil {
			r.format = a
		}
		return hasInternal(a) == hasInternal(r.format) && hasLegacy(a) == hasLegacy(r.format)
	}
	aliased := 0
	for k := range p.chunks {
		part := p.part(data, k, r.buf)
		r.buf = part
		doc, err := parseRaw(part)
		if err != nil || checkDocument(part, 1, doc, nil) != nil {
			return nil, false
		}
		if bytes.IndexByte(part, '*') >= 0 { // a part with an alias
			c := nodeCheck{sizes: map[*yaml.Node]int{}}
			c.walk(doc)
			if aliased += c.aliased; aliased > maxAliasNodes {
				return nil, false
			}
		}
		items, ok := p.verifyItems(doc, k)
		if !ok {
			return nil, false
		}
		for _, item := range items {
			a, err := r.preprocess(yaml.NewRNode(item))
			if err != nil || !consistent(a) {
				return nil, false
			}
		}
	}
	r.index = 0
	// The list's own fields, as the KRM framework reads them, from the last part: it has
	// them all, and the head.
	rw := &kyio.ByteReadWriter{Reader: bytes.NewReader(p.part(data, len(p.chunks)-1, nil)), KeepReaderAnnotations: true}
	if _, err := rw.Read(); err != nil || rw.WrappingKind == "" {
		return nil, false
	}
	return &ResourceList{FunctionConfig: rw.FunctionConfig, rw: rw, parts: r}, true
}

// parseRaw parses a part as kyaml does.
func parseRaw(part []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(part)).Decode(&doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// preprocess is kyaml's PreprocessResourcesForInternalAnnotationMigration for the next item
// of the list: it returns the item's internal annotations as read, and gives the item the
// id of its index in the list, as a read of the whole list does.
func (r *partsReader) preprocess(item *yaml.RNode) (map[string]string, error) {
	r.index++
	return preprocessAt(item, r.index-1)
}

// preprocessAt is preprocess for the item at index in the list.
func preprocessAt(item *yaml.RNode, index int) (map[string]string, error) {
	annos, err := kyio.PreprocessResourcesForInternalAnnotationMigration([]*yaml.RNode{item})
	if err != nil {
		return nil, err
	}
	id := strconv.Itoa(index)
	a := annos["0"]
	a[kioutil.InternalAnnotationsMigrationResourceIDAnnotation] = id
	return a, item.PipeE(yaml.SetAnnotation(kioutil.InternalAnnotationsMigrationResourceIDAnnotation, id))
}

// all yields the items not read yet, in order, and writes each one after yield returns. It
// writes every item it reads, also after yield returns false.
func (r *partsReader) all(yield func(*yaml.RNode) bool) {
	for more := true; r.next < len(r.parts.chunks); {
		k := r.next
		r.next++
		part := r.parts.part(r.data, k, r.buf)
		r.buf = part
		doc, err := parseRaw(part)
		if err != nil {
			r.fail(err)
			return
		}
		items, ok := r.parts.verifyItems(doc, k)
		if !ok {
			r.fail(errPartChanged)
			return
		}
		for _, node := range items {
			item := yaml.NewRNode(node)
			a, err := r.preprocess(item)
			if err != nil {
				r.fail(err)
				return
			}
			more = more && yield(item)
			r.write(item, a)
		}
		if !more {
			return
		}
	}
}

// peek calls visit with the items of every chunk whose text want accepts, parsed again on
// their own (preprocessed as all does) and with their index in the list, before all reads
// any: a pass that only looks. It reports false when a part does not read as it did.
func (r *partsReader) peek(want func(chunk []byte) bool, visit func(index int, item *yaml.RNode)) bool {
	var buf []byte
	for k, c := range r.parts.chunks {
		if !want(r.data[c.start:c.end]) {
			continue
		}
		buf = r.parts.part(r.data, k, buf)
		doc, err := parseRaw(buf)
		if err != nil {
			return false
		}
		items, ok := r.parts.verifyItems(doc, k)
		if !ok {
			return false
		}
		for j, node := range items {
			item := yaml.NewRNode(node)
			if _, err := preprocessAt(item, c.first+j); err != nil {
				return false
			}
			visit(c.first+j, item)
		}
	}
	return true
}

// finish writes the items not read yet.
func (r *partsReader) finish() error {
	r.all(func(*yaml.RNode) bool { return true })
	return r.err
}

// write writes an item after the function: with its internal annotations reconciled, as
// ResourceList.Encode does for a list read whole.
func (r *partsReader) write(item *yaml.RNode, annos map[string]string) {
	if r.err != nil {
		return
	}
	read := map[string]map[string]string{annos[kioutil.InternalAnnotationsMigrationResourceIDAnnotation]: annos}
	if r.format != nil {
		read["format"] = r.format // no item's id: ids are numbers
	}
	if err := kyio.ReconcileInternalAnnotations([]*yaml.RNode{item}, read); err != nil {
		r.fail(err)
		return
	}
	if err := yaml.ClearEmptyAnnotations(item); err != nil {
		r.fail(err)
		return
	}
	r.fail(encodeNode(&r.out, &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{item.YNode()}}))
}

func (r *partsReader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// errPartChanged is an error that cannot happen: a part that read well once reads
// differently.
var errPartChanged = errors.New("a part of the ResourceList read differently the second time")

// The file annotations that tell the format of the internal annotations, as kyaml's
// determineAnnotationsFormat reads them.
func hasInternal(a map[string]string) bool {
	return has(a, kioutil.PathAnnotation, kioutil.IndexAnnotation, kioutil.IdAnnotation)
}

func hasLegacy(a map[string]string) bool {
	//lint:ignore SA1019 the legacy annotations are read as kyaml reads them
	return has(a, kioutil.LegacyPathAnnotation, kioutil.LegacyIndexAnnotation, kioutil.LegacyIdAnnotation)
}

func hasFileAnnotations(a map[string]string) bool { return hasInternal(a) || hasLegacy(a) }

func has(a map[string]string, keys ...string) bool {
	for _, k := range keys {
		if _, ok := a[k]; ok {
			return true
		}
	}
	return false
}
