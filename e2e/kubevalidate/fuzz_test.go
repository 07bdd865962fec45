package kubevalidate

import (
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// FuzzMigrate adds the API server's verdict to kio's FuzzMigrate: for any input the
// migration's invariants hold (kio.CheckInvariants), and no workload is worse after the
// migration than before: one the validator accepted is still accepted, one it rejected gets
// no new error. go test runs it on its seeds, the inputs of every golden case; make fuzz
// explores from them.
func FuzzMigrate(f *testing.F) {
	for _, c := range goldenCases(f) {
		f.Add(c.input)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := kio.CheckInvariants("fuzz.yaml", data, migrate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Changed() {
			return
		}
		before, err := ValidateFile(r.Before, CompleteSelectors)
		if err != nil {
			return // not even documents to the API machinery: nothing to compare
		}
		after, err := ValidateFile(r.After, CompleteSelectors)
		if err != nil {
			t.Fatalf("the output is not documents to the API machinery: %v\n%s", err, r.After)
		}
		if _, worse := Compare(before, after); len(worse) > 0 {
			t.Fatalf("worse after the migration: %v\n--- input\n%s\n--- output\n%s", worse, r.Before, r.After)
		}
	})
}
