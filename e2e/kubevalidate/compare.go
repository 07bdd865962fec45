package kubevalidate

import "fmt"

// Tally counts workloads by their verdict before and after a migration.
type Tally struct {
	Workloads                int
	AcceptedBefore, Accepted int // accepted before the migration, and after it
	RejectedBefore, Rejected int
	Fixed                    int // rejected before, accepted after
}

// String gives the tally in one line.
func (t Tally) String() string {
	return fmt.Sprintf("%d workloads: accepted %d before, %d after; rejected %d before, %d after; %d fixed by the migration",
		t.Workloads, t.AcceptedBefore, t.Accepted, t.RejectedBefore, t.Rejected, t.Fixed)
}

// Add adds u to t.
func (t *Tally) Add(u Tally) {
	t.Workloads += u.Workloads
	t.AcceptedBefore += u.AcceptedBefore
	t.Accepted += u.Accepted
	t.RejectedBefore += u.RejectedBefore
	t.Rejected += u.Rejected
	t.Fixed += u.Fixed
}

// Compare pairs the workloads of a file before and after its migration and returns the
// tally and what got worse: a workload accepted before and rejected after, or a rejected one
// with an error it did not have before. A migration never adds or removes workloads, so
// unpaired workloads are reported too.
func Compare(before, after []Workload) (Tally, []string) {
	var t Tally
	var worse []string
	if len(before) != len(after) {
		return t, []string{fmt.Sprintf("%d workloads before, %d after", len(before), len(after))}
	}
	for i, b := range before {
		a := after[i]
		if a.ID() != b.ID() {
			worse = append(worse, fmt.Sprintf("%s became %s", b.ID(), a.ID()))
			continue
		}
		t.Workloads++
		if b.Valid() {
			t.AcceptedBefore++
		} else {
			t.RejectedBefore++
		}
		if a.Valid() {
			t.Accepted++
			if !b.Valid() {
				t.Fixed++
			}
		} else {
			t.Rejected++
		}
		for _, e := range newErrors(b.Errors, a.Errors) {
			worse = append(worse, fmt.Sprintf("%s: %s", a.ID(), e))
		}
	}
	return t, worse
}

// newErrors returns the errors of after that before does not have, counting repeats.
func newErrors(before, after []string) []string {
	seen := map[string]int{}
	for _, e := range before {
		seen[e]++
	}
	var out []string
	for _, e := range after {
		if seen[e] > 0 {
			seen[e]--
			continue
		}
		out = append(out, e)
	}
	return out
}
