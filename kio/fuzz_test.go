package kio

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// FuzzMigrate checks CheckInvariants for any input: no panic, the input bytes are not
// modified, the output parses, a second run changes nothing, and no container is lost or
// duplicated (but for the init container that installs kubexit, removed with kubexit, and a
// workaround container the migration deletes), every container made native where an exit
// may be final passes the lifetime gate on the output, and every statement that went from a
// script was proposed by a recogniser (migrate.CheckOutcome). It is
// seeded with the inputs of every golden case. The validation module's FuzzMigrate adds the
// API server's validation to these (make fuzz, make test).
func FuzzMigrate(f *testing.F) {
	for _, seed := range goldenInputs(f, "../migrate/testdata") {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := CheckInvariants("fuzz.yaml", data, migrate.Options{}); err != nil {
			t.Fatal(err)
		}
	})
}

// goldenInputs returns the input sections of the golden cases in dir.
func goldenInputs(tb testing.TB, dir string) [][]byte {
	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no golden cases in %s (%v)", dir, err)
	}
	var seeds [][]byte
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		for _, af := range ar.Files {
			if strings.HasPrefix(af.Name, "input.") {
				seeds = append(seeds, af.Data)
			}
		}
	}
	return seeds
}
