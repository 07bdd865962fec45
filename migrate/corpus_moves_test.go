package migrate_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/require"
)

// corpusDir holds real manifests from public repositories, beside the project; the test skips
// when it is absent.
const corpusDir = "../../shared/corpus"

var listMoves = flag.String("list-moves", "", "write every container the corpus moves to this file, one a line")

// corpusMoves lists "FILE RESOURCE CONTAINER RULE" for every container moved over the corpus.
func corpusMoves(t *testing.T) []string {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not found at %s: %v", corpusDir, err)
	}
	var lines []string
	err := filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		r := kio.File(p, data, migrate.Options{})
		rel, _ := filepath.Rel(corpusDir, p)
		for _, f := range r.Findings {
			if f.Fixed && f.Container != "" && strings.Contains(f.Message, "moved to initContainers") {
				lines = append(lines, fmt.Sprintf("%s %s %s %s", rel, f.Resource, f.Container, f.Rule))
			}
		}
		return nil
	})
	require.NoError(t, err)
	sort.Strings(lines)
	return lines
}

// TestCorpusMovesKept checks that every container of the corpus that testdata/corpus-moves.txt
// lists as moved is still moved (by whatever rule): recall may grow, never shrink. The list
// names files, workloads and containers only. -list-moves FILE writes today's list.
func TestCorpusMovesKept(t *testing.T) {
	moves := corpusMoves(t)
	if *listMoves != "" {
		require.NoError(t, os.WriteFile(*listMoves, []byte(strings.Join(moves, "\n")+"\n"), 0o644))
	}
	now := map[string]bool{}
	for _, l := range moves {
		now[l[:strings.LastIndexByte(l, ' ')]] = true
	}
	want, err := os.ReadFile("testdata/corpus-moves.txt")
	require.NoError(t, err)
	for _, l := range strings.Split(strings.TrimSpace(string(want)), "\n") {
		key := l[:strings.LastIndexByte(l, ' ')]
		if !now[key] {
			t.Errorf("no longer moved: %s", key)
		}
	}
	t.Logf("corpus: %d containers moved (%d before)", len(moves), len(strings.Split(strings.TrimSpace(string(want)), "\n")))
}
