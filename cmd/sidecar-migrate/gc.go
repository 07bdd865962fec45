package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The collector's settings, chosen by measuring diff, apply and fn over the bench inputs
// (scripts/bench-memory.sh): a generated tree of 10,000 files, a List of 20,000 changed pods,
// a ResourceList of 1.6 MB, a 100 MB install manifest.
//
// gcPercent lets the heap grow to five times the live data between collections instead of
// twice: a run allocates a parse tree per workload and keeps little, and with Go's default it
// collects a small heap over and over (on the tree, 25% more time than with 400).
//
// Alone, that target multiplies a large live heap by five: 2 GB for the tree, whose
// kustomize plan holds 430 MB, 1.2 GB for the List. memoryFloor is a soft limit under which
// the collector keeps the heap whatever the target; a fixed limit under the live heap would
// make it collect without pause (the tree under 512 MB: 24 s instead of 11 s), so the limit
// follows the live heap: never under memoryFloor, and at least liveFactor times the live
// heap, which is Go's default target for heaps that large.
const (
	gcPercent   = 400
	memoryFloor = 768 << 20
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
