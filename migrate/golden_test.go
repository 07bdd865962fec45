package migrate_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the generated sections (findings, diff, error) of the golden files, and add output.yaml where a case has none")

// TestGolden runs every case of testdata/*.txtar. A case holds an input file (input.yaml or
// input.json), optionally options.yaml, and the expected output (absent: the input must come
// back byte for byte), findings (those of the whole run and those across documents
// included), diff, and error. Every case also proves idempotence:
// migrating the output changes nothing. txtar ends every file with a newline, so a case
// about a file without one holds an empty "no-final-newline" section: the last newline of
// the input and of the output is then dropped.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			runGolden(t, file)
		})
	}
}

func runGolden(t *testing.T, file string) {
	ar, err := txtar.ParseFile(file)
	require.NoError(t, err)
	sections := map[string][]byte{}
	inputName := ""
	for _, f := range ar.Files {
		sections[f.Name] = f.Data
		if strings.HasPrefix(f.Name, "input.") {
			inputName = f.Name
		}
	}
	require.NotEmpty(t, inputName, "a case needs an input.yaml or input.json section")
	input := sections[inputName]
	_, noFinalNewline := sections["no-final-newline"]
	if noFinalNewline {
		input = bytes.TrimSuffix(input, []byte("\n"))
	}
	var opts migrate.Options
	if o, ok := sections["options.yaml"]; ok {
		opts, err = migrate.ParseOptions(o)
		require.NoError(t, err)
	}
	// Through the pipeline, as a run over the case's documents reports them: the run's
	// findings first, then each document's, then those that need every document
	// (autoscalers of moved containers).
	var r kio.FileResult
	var findings []migrate.Finding
	kio.Tree(context.Background(), kio.Inputs([]kio.Input{{Path: inputName, Data: input}}), 1, opts, nil, kio.Emit{
		File:     func(fr kio.FileResult) { r = fr; findings = append(findings, fr.Findings...) },
		Findings: func(_ string, f []migrate.Finding) { findings = append(findings, f...) },
	})
	_, invariantErr := kio.CheckInvariants(inputName, input, opts)
	assert.NoError(t, invariantErr, "the invariants the fuzzers check")
	assert.Equal(t, string(input), string(r.Before), "input bytes must not be modified")

	for _, f := range findings {
		require.NoError(t, rule.CheckID(f.Rule), "every finding names a registered rule")
	}
	got := map[string]string{
		"findings": findingsText(findings),
		"diff":     string(r.Diff()),
		"error":    "",
	}
	if r.Err != nil {
		got["error"] = r.Err.Error() + "\n"
	}
	outName := "output" + filepath.Ext(inputName)
	if !bytes.Equal(r.After, input) {
		got[outName] = string(r.After)
		if noFinalNewline {
			got[outName] += "\n"
		}
	}
	want, ok := sections[outName]
	if *update {
		if ok {
			// The expected output is written by hand: -update never overwrites it.
			got[outName] = string(want)
		}
		writeGolden(t, file, ar, got, outName)
	}
	if !ok {
		want = input
	} else if noFinalNewline {
		want = bytes.TrimSuffix(want, []byte("\n"))
	}
	assert.Equal(t, string(want), string(r.After), "output")
	if *update {
		return
	}
	assert.Equal(t, string(sections["findings"]), got["findings"], "findings")
	assert.Equal(t, string(sections["diff"]), got["diff"], "diff")
	assert.Equal(t, string(sections["error"]), got["error"], "error")

	again := kio.File(inputName, r.After, opts)
	assert.Equal(t, string(r.After), string(again.After), "a second run must change nothing")
	for _, f := range again.Findings {
		assert.False(t, f.Fixed, "a second run must fix nothing, but: %s", f)
	}
}

func findingsText(fs []migrate.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

// writeGolden rewrites the generated sections of a case, keeping its comment, its input and
// options, and its order of sections.
func writeGolden(t *testing.T, file string, ar *txtar.Archive, got map[string]string, outName string) {
	keep := map[string]bool{}
	var files []txtar.File
	for _, f := range ar.Files {
		if _, generated := got[f.Name]; generated || f.Name == outName {
			continue
		}
		keep[f.Name] = true
		files = append(files, f)
	}
	for _, name := range []string{outName, "findings", "diff", "error"} {
		if got[name] != "" {
			files = append(files, txtar.File{Name: name, Data: []byte(got[name])})
		}
	}
	ar.Files = files
	require.NoError(t, os.WriteFile(file, txtar.Format(ar), 0o644))
}
