package kio

import (
	"os"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// TestOutcomeCorpus checks the outcome of every corpus manifest and every golden input: each
// container that became native in a run-to-completion or unknown-lifecycle pod passes the
// lifetime gate on the output, and every statement that went from a script belongs to a
// recogniser's proposal (CheckInvariants, through migrate.CheckOutcome).
func TestOutcomeCorpus(t *testing.T) {
	checked, changed := 0, 0
	for i, seed := range goldenInputs(t, "../migrate/testdata") {
		r, err := CheckInvariants("golden.yaml", seed, migrate.Options{})
		if err != nil {
			t.Errorf("golden input %d: %v", i, err)
		}
		checked++
		if r.Changed() {
			changed++
		}
	}
	if _, err := os.Stat(corpusDir); err == nil {
		for _, file := range corpusFiles(t) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			r, err := CheckInvariants(file, data, migrate.Options{})
			if err != nil {
				t.Errorf("%s: %v", file, err)
			}
			checked++
			if r.Changed() {
				changed++
			}
		}
	}
	t.Logf("outcome checked on %d files, %d changed", checked, changed)
}
