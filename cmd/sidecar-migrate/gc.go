package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The collector's settings, chosen by measuring diff, apply and fn over the bench inputs
// (scripts/bench.sh and scripts/bench-memory.sh): generated trees of 576 to 10,000 files, a
// List of 20,000 changed pods, a ResourceList of 1.6 MB, a 100 MB install manifest, a file of
// 322,000 changed documents.
//
// A run allocates a parse tree per workload and keeps little. With Go's default target (the
// heap grows to twice the live data between collections) it collects a small heap over and
// over, 25% more time on the tree than with a target of 400. A fixed percentage, though,
// makes the peak follow the live data: 400 lets 2 MB grow to 10 MB but 5 MB to 25 MB, and the
// peak on the tree with kustomizations grew by a fifth from 576 to 5,750 files. So the target
// is a headroom: the heap may grow by gcHeadroom between collections, as a percentage of the
// live data between 100 (Go's default, once the live data is larger than the headroom) and
// maxPercent. Against a fixed 400, on 5,750 files the peak went from 38.6 to 34.1 MB (on 576
// files 32 MB either way) for 2% more CPU time; on 10,000 files without kustomizations from
// 50.6 to 38.3 MB for 7% more. A headroom of 8 MB held the peak at 32 MB for 8% more.
//
// memoryFloor is a soft limit under which the collector keeps the heap whatever the target,
// and it follows the live heap: never under memoryFloor, and at least liveFactor times the
// live heap, which is Go's default target (a fixed limit under the live heap would make the
// collector run without pause). The floor is what keeps peak memory within ten times the
// input plus 64 MB: with 768 MB, the List of 20,000 pods (a live heap of 50 MB) peaked at
// 238 MB against a budget of 122 MB; with 64 MB at 89 MB.
const (
	gcHeadroom  = 10 << 20
	maxPercent  = 400
	memoryFloor = 64 << 20
	liveFactor  = 2
)

// tuneGC sets the collector's target and soft limit, unless the user chose them with GOGC
// or GOMEMLIMIT, and has them follow the live heap.
func tuneGC() {
	_, userPercent := os.LookupEnv("GOGC")
	_, userLimit := os.LookupEnv("GOMEMLIMIT")
	if !userPercent {
		debug.SetGCPercent(maxPercent)
	}
	if !userLimit {
		debug.SetMemoryLimit(memoryFloor)
	}
	if !userPercent || !userLimit {
		go followLiveHeap(50*time.Millisecond, !userPercent, !userLimit)
	}
}

// followLiveHeap sets the target and the soft limit (those it is given) from the live heap,
// checking it every period. While a part of the run has set a target of its own (the
// repository plan does, kustomize.NewPlan), it leaves the target alone.
func followLiveHeap(period time.Duration, percent, limit bool) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/gogc:percent"}}
	var lastPercent, lastLimit int64 = maxPercent, memoryFloor
	for range time.Tick(period) {
		metrics.Read(sample)
		live := max(1, int64(sample[0].Value.Uint64()))
		current := int64(sample[1].Value.Uint64())
		if p := headroomPercent(live); percent && current == lastPercent && p != lastPercent {
			lastPercent = p
			debug.SetGCPercent(int(p))
		}
		want := max(memoryFloor, liveFactor*live)
		if limit && (want > lastLimit+lastLimit/8 || want < lastLimit-lastLimit/8) { // not for every small change
			lastLimit = want
			debug.SetMemoryLimit(want)
		}
	}
}

// headroomPercent is the collector's target that lets a heap of live bytes grow by about
// gcHeadroom, in steps of 25 so that small changes of the live heap leave it alone. (Go
// also keeps the heap at 4 MB times the percentage at least: 16 MB at 400.)
func headroomPercent(live int64) int64 {
	p := gcHeadroom * 100 / live
	return min(maxPercent, max(100, p-p%25))
}
