package kio

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	kyio "sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ResourceList is a KRM function's input, as ReadResourceList read it: its items and
// functionConfig, and what WriteTo needs to write it back.
type ResourceList struct {
	Items          []*yaml.RNode
	FunctionConfig *yaml.RNode
	rw             *kyio.ByteReadWriter
	annotations    map[string]map[string]string // the internal annotations as read, by item
}

// ReadResourceList reads a KRM function's input, data, named path in messages, with the
// input checks of File: text (no NUL byte, UTF-8), and every document parsed with positions
// and checked (no template action, no key that is not a scalar or is set twice, no alias
// bomb), so that the function refuses what file mode refuses, with the same error. An input
// without a document is an error too: a KRM function's input is a ResourceList, and an empty
// one means the caller sent nothing. The items are then read by kyaml, as the KRM framework
// reads them, with the annotations of their index.
func ReadResourceList(path string, data []byte) (*ResourceList, error) {
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
	return &ResourceList{Items: items, FunctionConfig: rw.FunctionConfig, rw: rw, annotations: annos}, nil
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

// WriteTo writes the list, its items as the function left them and results (or, without
// any, the results it came with), as the KRM framework writes it, but one item at a time:
// encoding the whole list as one tree takes hundreds of times its size in memory.
func (l *ResourceList) WriteTo(w io.Writer, results framework.Results) error {
	if err := kyio.ReconcileInternalAnnotations(l.Items, l.annotations); err != nil {
		return err
	}
	if l.rw.WrappingKind == "" { // not a ResourceList: the documents as they came
		if len(results) > 0 {
			node, err := resultsNode(results)
			if err != nil {
				return err
			}
			l.rw.Results = node
		}
		l.rw.Writer = w
		return l.rw.Write(l.Items)
	}
	for _, kv := range [][2]string{{"apiVersion", l.rw.WrappingAPIVersion}, {"kind", l.rw.WrappingKind}} {
		if err := encodeNode(w, pair(kv[0], scalar(kv[1]))); err != nil {
			return err
		}
	}
	if err := writeSeq(w, "items", len(l.Items), func(i int) (*yaml.Node, error) {
		return l.Items[i].YNode(), yaml.ClearEmptyAnnotations(l.Items[i])
	}); err != nil {
		return err
	}
	if l.FunctionConfig != nil {
		if err := encodeNode(w, pair("functionConfig", l.FunctionConfig.YNode())); err != nil {
			return err
		}
	}
	if len(results) > 0 {
		return writeSeq(w, "results", len(results), func(i int) (*yaml.Node, error) {
			n, err := resultsNode(results[i : i+1])
			if err != nil {
				return nil, err
			}
			return n.YNode().Content[0], nil
		})
	}
	if l.rw.Results != nil {
		return encodeNode(w, pair("results", l.rw.Results.YNode()))
	}
	return nil
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

// resultsNode is results as the KRM framework puts them in the list: marshalled, then parsed.
func resultsNode(results framework.Results) (*yaml.RNode, error) {
	b, err := yaml.Marshal(results)
	if err != nil {
		return nil, err
	}
	return yaml.Parse(string(b))
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
