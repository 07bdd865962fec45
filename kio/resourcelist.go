package kio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"

	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	kyio "sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ResourceList is a KRM function's input, as ReadResourceList read it: its functionConfig,
// its items (All), and what Encode needs to write it back.
type ResourceList struct {
	FunctionConfig *yaml.RNode
	rw             *kyio.ByteReadWriter
	// A list read whole: its items and their internal annotations as read, by item.
	items       []*yaml.RNode
	annotations map[string]map[string]string
	// A list read in parts (rlsplit.go), else nil.
	parts *partsReader
	// mayHoldScripts: the input's text may hold a ConfigMap script its workloads run
	// (configscripts_items.go).
	mayHoldScripts bool
	// The results added: encoded, with the "results:" line, for a list; else as they came.
	resultText textBuffer
	results    framework.Results
}

// All yields the items of the list, in order, for the function to change in place. A list
// read in parts yields each item once, parsed from its part of the input, and writes it as
// soon as the function is done with it, when yield returns; so each item is to be changed
// before yield returns, and not after.
func (l *ResourceList) All() iter.Seq[*yaml.RNode] {
	if l.parts != nil {
		return l.parts.all
	}
	return slices.Values(l.items)
}

// readInParts is whether ReadResourceList reads a list in parts when it can; the tests
// compare both ways.
var readInParts = true

// ReadResourceList reads a KRM function's input, data, named path in messages, with the
// input checks of File: text (no NUL byte, UTF-8), and every document parsed with positions
// and checked (no template action, no key that is not a scalar or is set twice, no alias
// bomb), so that the function refuses what file mode refuses, with the same error. An input
// without a document is an error too: a KRM function's input is a ResourceList, and an empty
// one means the caller sent nothing. The items are then read by kyaml, as the KRM framework
// reads them, with the annotations of their index. The list is read in parts when that is
// proven to read the same (rlsplit.go), else whole.
func ReadResourceList(path string, data []byte) (*ResourceList, error) {
	if readInParts {
		if l, ok := readParts(data); ok {
			l.mayHoldScripts = mayHoldConfigScripts(data)
			return l, nil
		}
	}
	if err := checkInput(path, data); err != nil {
		return nil, err
	}
	rw := &kyio.ByteReadWriter{Reader: bytes.NewReader(data), KeepReaderAnnotations: true}
	items, err := rw.Read()
	if err != nil {
		return nil, fmt.Errorf("failed to read ResourceList input: %w", err)
	}
	annos, err := kyio.PreprocessResourcesForInternalAnnotationMigration(items)
	if err != nil {
		return nil, err
	}
	return &ResourceList{items: items, FunctionConfig: rw.FunctionConfig, rw: rw, annotations: annos,
		mayHoldScripts: mayHoldConfigScripts(data)}, nil
}

// checkInput runs File's input checks on every document of data.
func checkInput(path string, data []byte) error {
	t, terr := yamldoc.Read(path, data)
	if terr != nil {
		return terr
	}
	docs := 0
	for _, d := range t.Docs() {
		doc, perr := d.Parse()
		if err := checkDocument(d.Content, d.Line, doc, perr); err != nil {
			err.Path = path
			return err
		}
		if doc != nil {
			docs++
		}
	}
	if docs == 0 {
		return errors.New(path + ": no input: a KRM function reads a ResourceList on standard input")
	}
	return nil
}

// AddResult adds a result of the function, for Encode to write after the items. In a list
// (a ResourceList, or a List) each one is encoded as it comes, as the KRM framework encodes
// it there: a function's results may be one or two for each item, and their text takes half
// of what they take as values.
func (l *ResourceList) AddResult(r *framework.Result) error {
	if l.rw.WrappingKind == "" {
		l.results = append(l.results, r)
		return nil
	}
	b, err := yaml.Marshal(framework.Results{r})
	if err != nil {
		return err
	}
	if l.resultText.Len() == 0 {
		io.WriteString(&l.resultText, "results:\n")
	}
	l.resultText.Write(b)
	return nil
}

// Encode writes the list, its items as the function left them and the results added (or,
// without any, the results it came with), as the KRM framework writes it, but one item at a
// time: encoding the whole list as one tree takes hundreds of times its size in memory.
func (l *ResourceList) Encode(w io.Writer) error {
	writeItems := l.writeItems
	if l.parts != nil {
		if err := l.parts.finish(); err != nil {
			return err
		}
		writeItems = func(w io.Writer) error {
			if _, err := io.WriteString(w, "items:\n"); err != nil {
				return err
			}
			_, err := l.parts.out.WriteTo(w)
			return err
		}
	} else if err := kyio.ReconcileInternalAnnotations(l.items, l.annotations); err != nil {
		return err
	}
	if l.rw.WrappingKind == "" { // not a ResourceList: the documents as they came
		if len(l.results) > 0 {
			b, err := yaml.Marshal(l.results)
			if err != nil {
				return err
			}
			if l.rw.Results, err = yaml.Parse(string(b)); err != nil {
				return err
			}
		}
		l.rw.Writer = w
		return l.rw.Write(l.items)
	}
	for _, kv := range [][2]string{{"apiVersion", l.rw.WrappingAPIVersion}, {"kind", l.rw.WrappingKind}} {
		if err := encodeNode(w, pair(kv[0], scalar(kv[1]))); err != nil {
			return err
		}
	}
	if err := writeItems(w); err != nil {
		return err
	}
	if l.FunctionConfig != nil {
		if err := encodeNode(w, pair("functionConfig", l.FunctionConfig.YNode())); err != nil {
			return err
		}
	}
	if l.resultText.Len() > 0 {
		_, err := l.resultText.WriteTo(w)
		return err
	}
	if l.rw.Results != nil {
		return encodeNode(w, pair("results", l.rw.Results.YNode()))
	}
	return nil
}

// writeItems writes the items of a list read whole.
func (l *ResourceList) writeItems(w io.Writer) error {
	return writeSeq(w, "items", len(l.items), func(i int) (*yaml.Node, error) {
		return l.items[i].YNode(), yaml.ClearEmptyAnnotations(l.items[i])
	})
}

// writeSeq writes "key:" and the n entries of a block sequence, each encoded on its own.
func writeSeq(w io.Writer, key string, n int, entry func(int) (*yaml.Node, error)) error {
	if n == 0 {
		return encodeNode(w, pair(key, &yaml.Node{Kind: yaml.SequenceNode}))
	}
	if _, err := io.WriteString(w, key+":\n"); err != nil {
		return err
	}
	for i := range n {
		e, err := entry(i)
		if err != nil {
			return err
		}
		if err := encodeNode(w, &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{e}}); err != nil {
			return err
		}
	}
	return nil
}

// encodeNode encodes n as one document, with kyaml's encoder settings, with no separator.
func encodeNode(w io.Writer, n *yaml.Node) error {
	e := yaml.NewEncoder(w)
	if err := e.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}); err != nil {
		return err
	}
	return e.Close()
}

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }

// pair is a block mapping of one key.
func pair(key string, v *yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{scalar(key), v}}
}
