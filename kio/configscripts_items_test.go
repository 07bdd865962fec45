package kio

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A KRM function's list reads its ConfigMap scripts as a file of the same documents does:
// every golden case with a ConfigMap, its documents in their order and reversed, gives the
// same findings and the same objects both ways, read in parts and whole.
func TestListScriptsAsFile(t *testing.T) {
	files, err := filepath.Glob("../migrate/testdata/*.txtar")
	require.NoError(t, err)
	cases, edited := 0, 0
	for _, file := range files {
		input, opts := goldenInput(t, file)
		if !bytes.Contains(input, []byte("kind: ConfigMap")) || !mayHoldConfigScripts(input) {
			continue
		}
		docs := contentDocs(input)
		for _, order := range []string{"in order", "reversed"} {
			if order == "reversed" {
				slices.Reverse(docs)
			}
			name := filepath.Base(file) + " " + order
			want := File("in.yaml", []byte(strings.Join(docs, "---\n")), opts)
			if want.Err != nil {
				continue
			}
			cases++
			if slices.ContainsFunc(want.Findings, func(f migrate.Finding) bool { return strings.HasPrefix(f.Message, "key ") }) {
				edited++
			}
			wantObjects := fileObjects(t, want.After)
			for _, inParts := range []bool{true, false} {
				got, objects := runListItems(t, resourceList(docs), opts, inParts)
				assert.Equal(t, findingKeys(want.Findings), got, "%s (parts %v): findings", name, inParts)
				assert.Equal(t, wantObjects, objects, "%s (parts %v): objects", name, inParts)
			}
		}
	}
	t.Logf("%d cases, %d with an edited script", cases, edited)
	assert.Greater(t, cases, 20)
	assert.Greater(t, edited, 4, "cases whose ConfigMap script is edited")
}

// The common list, with no ConfigMap script, is not read twice.
func TestListScriptsByteCheck(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"kind: ConfigMap\n configMap:\n run.sh: |", true},
		{"kind: ConfigMap\n configMap:\n entrypoint: '#!/bin/sh'", true},
		{"kind: ConfigMap\n configMap:\n app.conf: x", false},
		{"kind: Job\n configMap:\n run.sh", false},
		{"kind: ConfigMap\n run.sh: |", false},
	} {
		assert.Equal(t, tc.want, mayHoldConfigScripts([]byte(tc.text)), tc.text)
	}
}

// goldenInput returns the input and options of a golden case.
func goldenInput(t *testing.T, file string) (input []byte, opts migrate.Options) {
	ar, err := txtar.ParseFile(file)
	require.NoError(t, err)
	for _, f := range ar.Files {
		switch f.Name {
		case "input.yaml":
			input = f.Data
		case "options.yaml":
			opts, err = migrate.ParseOptions(f.Data)
			require.NoError(t, err, file)
		}
	}
	return input, opts
}

// contentDocs returns the documents of data that hold content, each ending in a newline.
func contentDocs(data []byte) []string {
	var docs []string
	for _, d := range yamldoc.Decode("", data).Docs() {
		if yamldoc.HasContent(d.Content) {
			text := string(d.Content)
			if !strings.HasSuffix(text, "\n") {
				text += "\n"
			}
			docs = append(docs, text)
		}
	}
	return docs
}

// resourceList makes a ResourceList of docs.
func resourceList(docs []string) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for _, d := range docs {
		for i, line := range strings.SplitAfter(strings.TrimSuffix(d, "\n"), "\n") {
			if i == 0 {
				b.WriteString("- ")
			} else if line != "\n" {
				b.WriteString("  ")
			}
			b.WriteString(line)
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}

// runListItems runs ListItems over a list read in parts or whole, and returns its findings
// (findingKeys) and its objects as fileObjects gives them.
func runListItems(t *testing.T, data []byte, opts migrate.Options, inParts bool) (findings, objects []string) {
	t.Helper()
	defer func(old bool) { readInParts = old }(readInParts)
	readInParts = inParts
	l, err := ReadResourceList("<stdin>", data)
	require.NoError(t, err)
	require.Equal(t, inParts, l.parts != nil, "read in parts")
	var all []migrate.Finding
	ListItems(l, opts, func(r ItemResult) {
		if r.Item == nil {
			return // the run's own findings, which File does not give
		}
		all = append(all, r.Findings...)
		item := r.Item.Copy()
		require.NoError(t, item.PipeE(yaml.ClearAnnotation(kioutil.InternalAnnotationsMigrationResourceIDAnnotation)))
		require.NoError(t, yaml.ClearEmptyAnnotations(item))
		objects = append(objects, item.MustString())
	})
	return findingKeys(all), objects
}

// fileObjects returns the objects of a file, each as kyaml writes it.
func fileObjects(t *testing.T, data []byte) []string {
	var out []string
	for _, d := range contentDocs(data) {
		n, err := yaml.Parse(d)
		require.NoError(t, err)
		require.NoError(t, yaml.ClearEmptyAnnotations(n)) // as the list's writer does
		out = append(out, n.MustString())
	}
	return out
}

// findingKeys returns the findings without their places, sorted. A line a message quotes is
// a line of its own input, which the list lays out otherwise than the file.
func findingKeys(findings []migrate.Finding) []string {
	var keys []string
	for _, f := range findings {
		msg := quotedLine.ReplaceAllString(f.Message, "(line N)")
		keys = append(keys, fmt.Sprintf("%s %s %s/%s %s: %s", f.Severity, f.Rule, f.Resource, f.Container, f.Field, msg))
	}
	slices.Sort(keys)
	return keys
}

var quotedLine = regexp.MustCompile(`\(line [0-9]+\)`)

// A list of many Jobs that run one ConfigMap's script keeps none of their migrated copies:
// the script is not read for any of them (more than one container runs the key), and each
// warning says so.
func TestListScriptsShared(t *testing.T) {
	docs := []string{"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: job-scripts\ndata:\n  run.sh: |\n    /app/migrate\n    curl -fsS -X POST http://127.0.0.1:15020/quitquitquit\n"}
	for i := range 50 {
		docs = append(docs, fmt.Sprintf(`apiVersion: batch/v1
kind: Job
metadata:
  name: job-%d
spec:
  template:
    metadata:
      labels:
        sidecar.istio.io/inject: "true"
    spec:
      restartPolicy: Never
      containers:
      - name: app
        image: registry.example.com/app:1
        command: ["sh", "/scripts/run.sh"]
        volumeMounts:
        - {name: scripts, mountPath: /scripts}
      volumes:
      - name: scripts
        configMap: {name: job-scripts}
`, i))
	}
	opts, err := migrate.ParseOptions([]byte("meshNative: [istio]\n"))
	require.NoError(t, err)
	l, err := ReadResourceList("<stdin>", resourceList(docs))
	require.NoError(t, err)
	p := &listScripts{opts: opts, maps: map[int]bool{0: true}}
	workloads, ok := p.readWorkloads(l, map[string]bool{"job-scripts": true})
	assert.True(t, ok)
	assert.Empty(t, workloads)
	assert.Len(t, p.runs, 50)

	want := File("in.yaml", []byte(strings.Join(docs, "---\n")), opts)
	got, _ := runListItems(t, resourceList(docs), opts, true)
	assert.Equal(t, findingKeys(want.Findings), got)
	assert.Equal(t, 50, strings.Count(strings.Join(got, "\n"), "was left as it is: more than one container runs the key"))
}
