package kustomize

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kustomizationNames are the file names kustomize looks for in a folder, in its order.
var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// Kustomization is one kustomization file: what it includes and the patches it applies.
type Kustomization struct {
	Dir       string // absolute path of the kustomization root
	File      string // absolute path of the file
	Name      string // the file's path for messages
	Component bool   // kind: Component, which is included by others and not built alone
	// Resources are the entries of resources and bases, Components those of components,
	// with the line each is written on.
	Resources, Components []entryRef
	Patches               []*Patch // in the order kustomize applies them
	NamePrefix            string
	NameSuffix            string
	Namespace             string
	Images                []image
	Replacements          []replacement
	// Labels and Annotations are added to every object (commonLabels, labels,
	// commonAnnotations): label selectors and the migration's annotations read them.
	Labels, Annotations map[string]string
	// Transformers are the entries of transformers: plugins whose effect this pass cannot
	// follow.
	Transformers []entryRef
	// DataFiles are the files kustomize reads as data, never as objects to build:
	// replacements, configurations, openapi schemas, crds, generator inputs, Helm values.
	DataFiles []string
	// generators is the configMapGenerator list of a file whose text names it, kept from the
	// parse until the plan lists the generated ConfigMaps (generators.go).
	generators *yaml.Node
}

// entryRef is one entry of a list of paths in a kustomization.
type entryRef struct {
	Value string
	Line  int
}

// image is an entry of images: the image transformer rewrites container images whose name
// is Name.
type image struct {
	Name, NewName, NewTag, Digest string
}

// replacement is an entry of replacements: the field paths it reads and writes, and the
// objects it selects.
type replacement struct {
	Line    int
	Source  *selector
	SrcPath string
	Targets []replacementTarget
}

type replacementTarget struct {
	Select     *selector
	FieldPaths []string
}

// selector is a patch or replacement target: kind, name and namespace are regular
// expressions (anchored), as in kustomize.
type selector struct {
	Group, Version, Kind, Name, Namespace string
	LabelSelector, AnnotationSelector     string
}

// byLabel reports whether the selector matches on labels or annotations, which this pass
// does not evaluate.
func (s selector) byLabel() bool { return s.LabelSelector != "" || s.AnnotationSelector != "" }

// findKustomizations returns the kustomization files under paths (walked recursively,
// skipping hidden folders), sorted. listings keeps the folders it reads, for the walk of
// the files.
func findKustomizations(paths []string, listings *kio.Listings) ([]string, error) {
	var found []string
	var errs []error
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !info.IsDir() {
			if isKustomizationName(filepath.Base(root)) {
				found = append(found, root)
			}
			continue
		}
		err = listings.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != root && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			// The folder's kustomization, in kustomize's order of names, once per folder.
			if isKustomizationName(d.Name()) && kustomizationIn(filepath.Dir(p)) == p {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	for i, f := range found {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, err
		}
		found[i] = abs
	}
	sort.Strings(found)
	return dedupe(found), errors.Join(errs...)
}

func isKustomizationName(name string) bool {
	for _, n := range kustomizationNames {
		if name == n {
			return true
		}
	}
	return false
}

// kustomizationIn returns the kustomization file of a folder, or "".
func kustomizationIn(dir string) string {
	for _, n := range kustomizationNames {
		p := filepath.Join(dir, n)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// parseKustomization reads a kustomization file. Fields it does not know are ignored: they
// do not move containers.
func parseKustomization(file string, data []byte) (*Kustomization, error) {
	root, err := parseSingle(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	k := &Kustomization{File: file, Dir: filepath.Dir(file)}
	if root == nil {
		return k, nil
	}
	if root.Kind != yaml.MappingNode {
		// A symbolic link checked out as a file (git's core.symlinks=false) holds only the
		// path it pointed to: a scalar.
		return nil, fmt.Errorf("%s:%d: a kustomization is a mapping of fields, and this one is a %s, so kustomize build fails on it (a symbolic link checked out as a file holds only its target's path)", file, root.Line, yamldoc.KindName(root.Kind))
	}
	k.Component = str(root, "kind") == "Component"
	k.NamePrefix, k.NameSuffix, k.Namespace = str(root, "namePrefix"), str(root, "nameSuffix"), str(root, "namespace")
	k.Resources = append(entries(get(root, "resources")), entries(get(root, "bases"))...)
	k.Components = entries(get(root, "components"))
	k.Transformers = entries(get(root, "transformers"))
	k.Patches = readPatches(k, root)
	k.Labels, k.Annotations = stringMap(get(root, "commonLabels")), stringMap(get(root, "commonAnnotations"))
	for _, e := range items(get(root, "labels")) {
		for key, v := range stringMap(get(e, "pairs")) {
			k.Labels[key] = v
		}
	}
	// Kept for the whole run, by every kustomization: no empty maps (every reader asks len).
	if len(k.Labels) == 0 {
		k.Labels = nil
	}
	if len(k.Annotations) == 0 {
		k.Annotations = nil
	}
	for _, e := range items(get(root, "images")) {
		k.Images = append(k.Images, image{Name: str(e, "name"), NewName: str(e, "newName"), NewTag: str(e, "newTag"), Digest: str(e, "digest")})
	}
	k.DataFiles = dataFiles(k.Dir, root)
	if bytes.Contains(data, []byte("configMapGenerator")) {
		k.generators = get(root, "configMapGenerator")
	}
	if k.Replacements, err = readReplacements(file, k.Dir, root); err != nil {
		return nil, err
	}
	return k, nil
}

// dataFiles returns the files a kustomization reads as data, absolute.
func dataFiles(dir string, root *yaml.Node) []string {
	var out []string
	add := func(rel string) {
		if rel != "" && !isRemote(rel) {
			out = append(out, filepath.Join(dir, rel))
		}
	}
	for _, e := range items(get(root, "replacements")) {
		add(str(e, "path"))
	}
	for _, field := range []string{"configurations", "crds"} {
		for _, e := range entries(get(root, field)) {
			add(e.Value)
		}
	}
	add(str(get(root, "openapi"), "path"))
	for _, gen := range []string{"configMapGenerator", "secretGenerator"} {
		for _, g := range items(get(root, gen)) {
			for _, f := range entries(get(g, "files")) {
				_, file, found := strings.Cut(f.Value, "=")
				if !found {
					file = f.Value
				}
				add(file)
			}
			for _, f := range entries(get(g, "envs")) {
				add(f.Value)
			}
			add(str(g, "env"))
		}
	}
	for _, h := range items(get(root, "helmCharts")) {
		add(str(h, "valuesFile"))
		for _, f := range entries(get(h, "additionalValuesFiles")) {
			add(f.Value)
		}
	}
	return out
}

func readReplacement(e *yaml.Node, line int) replacement {
	r := replacement{Line: line, Source: readSelector(get(e, "source")), SrcPath: str(get(e, "source"), "fieldPath")}
	for _, t := range items(get(e, "targets")) {
		rt := replacementTarget{Select: readSelector(get(t, "select"))}
		for _, fp := range items(get(t, "fieldPaths")) {
			rt.FieldPaths = append(rt.FieldPaths, fp.Value)
		}
		r.Targets = append(r.Targets, rt)
	}
	return r
}

func readSelector(n *yaml.Node) *selector {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	return &selector{Group: str(n, "group"), Version: str(n, "version"), Kind: str(n, "kind"), Name: str(n, "name"), Namespace: str(n, "namespace"),
		LabelSelector: str(n, "labelSelector"), AnnotationSelector: str(n, "annotationSelector")}
}

// parseSingle parses a file holding one YAML document, or nothing.
func parseSingle(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return doc.Content[0], nil
	}
	return &doc, nil
}

// get returns the value of key in mapping m, or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func getPath(m *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if m = get(m, k); m == nil {
			return nil
		}
	}
	return m
}

// str returns the value of a scalar field, or "".
func str(m *yaml.Node, key string) string {
	if v := get(m, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// items returns the items of a sequence, or nil.
func items(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// entries returns the scalar items of a sequence with their lines.
func entries(n *yaml.Node) []entryRef {
	var out []entryRef
	for _, e := range items(n) {
		if e.Kind == yaml.ScalarNode && e.Value != "" {
			out = append(out, entryRef{Value: e.Value, Line: e.Line})
		}
	}
	return out
}

// isRemote reports whether a resource entry names a remote base or file: a URL, or a
// go-getter style repository reference.
func isRemote(ref string) bool {
	switch {
	case strings.Contains(ref, "://"), strings.HasPrefix(ref, "git@"), strings.Contains(ref, "?ref="), strings.Contains(ref, "?version="):
		return true
	}
	for _, host := range []string{"github.com/", "gitlab.com/", "bitbucket.org/"} {
		if strings.HasPrefix(ref, host) {
			return true
		}
	}
	return false
}

// readPatches reads the patches of kustomization k, in the order kustomize runs them: the
// strategic-merge list, then patches, then (after names and namespaces are set) the JSON
// 6902 list.
func readPatches(k *Kustomization, root *yaml.Node) []*Patch {
	var patches []*Patch
	for i, e := range items(get(root, "patchesStrategicMerge")) {
		if e.Kind != yaml.ScalarNode {
			continue
		}
		p := &Patch{Owner: k, Field: "patchesStrategicMerge", Entry: i, Line: e.Line}
		if strings.Contains(e.Value, "\n") {
			p.inline, p.inlineText = true, e.Value
		} else {
			p.Path = filepath.Join(k.Dir, e.Value)
		}
		patches = append(patches, p)
	}
	for i, e := range items(get(root, "patches")) {
		if e.Kind == yaml.ScalarNode && e.Value != "" {
			// kustomize v3/v4 took a list of file names here, as patchesStrategicMerge.
			patches = append(patches, &Patch{Owner: k, Field: "patches", Entry: i, Line: e.Line, Path: filepath.Join(k.Dir, e.Value)})
			continue
		}
		p := &Patch{Owner: k, Field: "patches", Entry: i, Line: e.Line, Target: readSelector(get(e, "target"))}
		if p.readSource(e) {
			patches = append(patches, p)
		}
	}
	for i, e := range items(get(root, "patchesJson6902")) {
		p := &Patch{Owner: k, Field: "patchesJson6902", Entry: i, Line: e.Line, Target: readSelector(get(e, "target")), JSON: true, late: true}
		if p.readSource(e) {
			patches = append(patches, p)
		}
	}
	return patches
}

// readSource reads where the patch of entry e is: inline in its "patch" or in the file its
// "path" names. It reports false for an entry with neither.
func (p *Patch) readSource(e *yaml.Node) bool {
	if v := get(e, "patch"); v != nil && v.Kind == yaml.ScalarNode {
		p.inline, p.inlineText = true, v.Value
		return true
	}
	if path := str(e, "path"); path != "" {
		p.Path = filepath.Join(p.Owner.Dir, path)
		return true
	}
	return false
}

// readReplacements reads the replacements of the kustomization in file, with those of the
// replacement files it names.
func readReplacements(file, dir string, root *yaml.Node) ([]replacement, error) {
	var out []replacement
	for _, e := range items(get(root, "replacements")) {
		if path := str(e, "path"); path != "" {
			// A file of replacements: read it for its targets.
			data, err := os.ReadFile(filepath.Join(dir, path))
			if err != nil {
				return nil, fmt.Errorf("%s:%d: replacements: %w", file, e.Line, err)
			}
			list, err := parseSingle(data)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", filepath.Join(dir, path), err)
			}
			for _, r := range items(list) {
				out = append(out, readReplacement(r, e.Line))
			}
			continue
		}
		out = append(out, readReplacement(e, e.Line))
	}
	return out, nil
}
