package kio

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FuzzMigrate checks, for any input: no panic, the input bytes are not modified, the output
// parses, a second run changes nothing, and no container is lost or duplicated (but for the
// init container that installs kubexit, removed with kubexit). It is seeded with the inputs
// of every golden case.
func FuzzMigrate(f *testing.F) {
	files, _ := filepath.Glob("../migrate/testdata/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, af := range ar.Files {
			if strings.HasPrefix(af.Name, "input.") {
				f.Add(af.Data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := bytes.Clone(data)
		r := MigrateBytes("fuzz.yaml", data, migrate.Options{})
		if !bytes.Equal(in, data) {
			t.Fatal("input bytes were modified")
		}
		if r.Err != nil || !r.Changed() {
			if !bytes.Equal(r.After, data) {
				t.Fatal("an unchanged or failed file must come back byte for byte")
			}
			return
		}
		before, after := containerNames(t, r.Before), containerNames(t, r.After)
		if !slices.Equal(before, after) {
			t.Fatalf("containers changed: %v -> %v", before, after)
		}
		again := MigrateBytes("fuzz.yaml", r.After, migrate.Options{})
		if again.Err != nil || !bytes.Equal(again.After, r.After) {
			t.Fatalf("second run changed the output (err %v):\n%s\n---\n%s", again.Err, r.After, again.After)
		}
	})
}

// containerNames returns the sorted names of all containers and init containers of the
// documents in data. Documents that may hold a pod template must parse; the others are
// never parsed by the tool either, so they may be anything.
func containerNames(t *testing.T, data []byte) []string {
	txt := decodeText(data)
	var names []string
	for _, d := range splitDocuments(txt.body) {
		content := txt.body[d.start:d.end]
		if !bytes.Contains(content, []byte("containers")) {
			continue
		}
		doc, err := parseDocument(content, d.line)
		if err != nil {
			t.Fatalf("output does not parse: %v\n%s", err, data)
		}
		if doc != nil {
			collectNames(doc, &names)
		}
	}
	slices.Sort(names)
	return names
}

func collectNames(n *yaml.Node, names *[]string) {
	for i := 0; i+1 < len(n.Content) && n.Kind == yaml.MappingNode; i += 2 {
		if k := n.Content[i].Value; (k == "containers" || k == "initContainers") && n.Content[i+1].Kind == yaml.SequenceNode {
			for _, c := range n.Content[i+1].Content {
				name, image := "", ""
				for j := 0; j+1 < len(c.Content); j += 2 {
					switch c.Content[j].Value {
					case "name":
						name = c.Content[j+1].Value
					case "image":
						image = c.Content[j+1].Value
					}
				}
				// The init container that installs kubexit is the one container a
				// migration removes, with kubexit itself.
				if !strings.Contains(image, "kubexit") {
					*names = append(*names, name)
				}
			}
		}
	}
	for _, c := range n.Content {
		collectNames(c, names)
	}
}
