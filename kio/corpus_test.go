package kio

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/kio/udiff"
	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// corpusDir holds real manifests from public repositories, beside the project.
const corpusDir = "../../shared/corpus"

// corpusFiles returns every file of the corpus, or skips the test when it is absent.
func corpusFiles(t testing.TB) []string {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not found at %s: %v", corpusDir, err)
	}
	var files []string
	err := filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	require.NoError(t, err)
	return files
}

// TestCorpus migrates every corpus file as `apply -` would and checks that only Helm
// templates fail, that outputs parse, that a second run changes nothing and that unchanged
// documents come back byte for byte.
func TestCorpus(t *testing.T) {
	changed, failed := 0, 0
	for _, file := range corpusFiles(t) {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		r := File(file, data, migrate.Options{})
		if r.Err != nil {
			failed++
			assert.Contains(t, string(data), "{{", "only Helm templates may fail: %v", r.Err)
			assert.Equal(t, data, r.After)
			continue
		}
		if !r.Changed() {
			continue
		}
		changed++
		checkDocumentsParse(t, file, r.After)
		again := File(file, r.After, migrate.Options{})
		assert.NoError(t, again.Err)
		assert.Equal(t, string(r.After), string(again.After), "%s: second run changed the output", file)
		if r.Fallbacks == 0 {
			// Noise is measured without workaround removal, whose removed lines are the
			// point (golden cases pin those edits line by line).
			pure := File(file, data, migrate.Options{KeepHacks: true})
			assert.Zero(t, noiseLines(pure.Before, pure.After), "%s: lines changed beyond the migration", file)
		}
	}
	t.Logf("corpus: %d files, %d changed, %d failed", len(corpusFiles(t)), changed, failed)
}

func checkDocumentsParse(t *testing.T, file string, data []byte) {
	for _, d := range yamldoc.Decode(file, data).Docs() {
		_, err := d.Parse()
		assert.Nil(t, err, "%s: output does not parse", file)
	}
}

// lines splits b after each newline.
func lines(b []byte) []string {
	return strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
}

// noiseLines counts the lines a change adds or removes beyond what a migration must: moved
// lines come back elsewhere (possibly re-indented), and the only new lines are
// "restartPolicy: Always" and "initContainers:".
func noiseLines(before, after []byte) int {
	removed := map[string]int{}
	a, b := lines(before), lines(after)
	del, add := udiff.Changes(a, b)
	for _, i := range del {
		removed[strings.TrimSpace(a[i])]++
	}
	noise := 0
	for _, i := range add {
		s := strings.TrimSpace(b[i])
		switch {
		case removed[s] > 0:
			removed[s]--
		case isMigrationLine(s):
		default:
			noise++
		}
	}
	for s, n := range removed {
		if strings.Trim(s, "[]{}, ") != "" {
			noise += n
		}
	}
	return noise
}

// isMigrationLine reports whether an added line is one the migration writes: the new field,
// the new key, or flow punctuation around moved entries.
func isMigrationLine(s string) bool {
	s = strings.NewReplacer(`"`, "", "'", "").Replace(s)
	return strings.Trim(s, "[]{}, ") == "" || strings.HasPrefix(s, "initContainers:") ||
		strings.TrimRight(s, ", ") == "restartPolicy: Always"
}

var fidelityDir = flag.String("fidelity-dir", "", "folder to measure with TestFidelity")

// TestFidelity prints one line for a folder of manifests (make fidelity): files, files
// changed, noise lines (lines changed beyond the migration, measured with workarounds kept)
// and fallbacks (documents serialized because an edit, workaround removal included, could
// not be spliced).
func TestFidelity(t *testing.T) {
	if *fidelityDir == "" {
		t.Skip("no -fidelity-dir given")
	}
	var files, changed, noise, fallbacks int
	err := filepath.WalkDir(*fidelityDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		r := File(p, data, migrate.Options{})
		if r.Changed() {
			changed++
			// Workaround removal deletes lines on purpose; noise is measured on the
			// migration proper.
			pure := File(p, data, migrate.Options{KeepHacks: true})
			noise += noiseLines(pure.Before, pure.After)
		}
		fallbacks += r.Fallbacks
		return nil
	})
	require.NoError(t, err)
	fmt.Printf("files=%d changed=%d noise_lines=%d fallbacks=%d\n", files, changed, noise, fallbacks)
}
