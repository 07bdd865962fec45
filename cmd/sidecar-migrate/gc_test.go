package main

import "testing"

func TestHeadroomPercent(t *testing.T) {
	for _, c := range []struct {
		live, want int64
	}{
		{1, maxPercent},               // nothing live: the most the target allows
		{gcHeadroom / 8, maxPercent},  // 800% would be asked: capped
		{gcHeadroom / 3, 300},         // the heap may grow by three times 3.3 MB of live data
		{gcHeadroom * 100 / 350, 350}, // 350%, exactly a step
		{gcHeadroom * 100 / 277, 275}, // 277%: down to its step
		{gcHeadroom, 100},             // as much live as headroom: Go's default
		{gcHeadroom * 10, 100},        // never under Go's default
	} {
		if got := headroomPercent(c.live); got != c.want {
			t.Errorf("headroomPercent(%d) = %d, want %d", c.live, got, c.want)
		}
	}
}
