package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The collector's settings, chosen by measuring diff, apply and fn over the bench inputs
// (scripts/bench-memory.sh): a generated tree of 10,000 files, a List of 20,000 changed pods,
// a ResourceList of 1.6 MB, a 100 MB install manifest, a file of 322,000 changed documents.
//
// gcPercent lets the heap grow to five times the live data between collections instead of
// twice: a run allocates a parse tree per workload and keeps little, and with Go's default it
// collects a small heap over and over (on the tree, 25% more time than with 400).
//
// Alone, that target multiplies a large live heap by five. memoryFloor is a soft limit under
// which the collector keeps the heap whatever the target, and it follows the live heap: never
// under memoryFloor, and at least liveFactor times the live heap, which is Go's default target
// (a fixed limit under the live heap would make the collector run without pause). So a small
// heap is collected as with 400 and a large one as with Go's default. The floor is what keeps
// peak memory within ten times the input plus 64 MB: with 768 MB, the List of 20,000 pods
// (a live heap of 50 MB) peaked at 238 MB against a budget of 122 MB; with 64 MB at 89 MB,
// for 15% more CPU time (3.1 s -> 3.6 s). A target of 200 or 100 under the same floor saved
// no memory and cost more time.
const (
	gcPercent   = 400
	memoryFloor = 64 << 20
	liveFactor  = 2
)

// tuneGC sets the collector's target and soft limit, unless the user chose them with GOGC
// or GOMEMLIMIT.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(memoryFloor)
		go followLiveHeap(50 * time.Millisecond)
	}
}

// followLiveHeap raises or lowers the soft memory limit with the live heap, checking it every
// period.
func followLiveHeap(period time.Duration) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	limit := int64(memoryFloor)
	for range time.Tick(period) {
		metrics.Read(sample)
		want := max(memoryFloor, liveFactor*int64(sample[0].Value.Uint64()))
		if want > limit+limit/8 || want < limit-limit/8 { // not for every small change
			limit = want
			debug.SetMemoryLimit(limit)
		}
	}
}
