package kustomize

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// analyseAll runs analyse over the workloads (sorted by file) with a worker per core, each
// with its own copy of the plan's caches and taking a file's workloads at a time, as the
// file cache holds one file. It returns the edits of each workload in the order of the
// workloads and notes the refusals, whatever the scheduling.
func (p *Plan) analyseAll(order []*Workload, chains map[*Workload][]chain) []map[docKey]use {
	out := make([]map[docKey]use, len(order))
	var files [][2]int // the workloads of each file: order[start:end]
	for i, w := range order {
		if i == 0 || w.File != order[i-1].File {
			files = append(files, [2]int{i, i})
		}
		files[len(files)-1][1] = i + 1
	}
	workers := make([]*Plan, min(runtime.GOMAXPROCS(0), len(files)))
	var next atomic.Int64
	var wg sync.WaitGroup
	for j := range workers {
		wp := p.worker()
		workers[j] = wp
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := int(next.Add(1)) - 1; f < len(files); f = int(next.Add(1)) - 1 {
				for i := files[f][0]; i < files[f][1]; i++ {
					out[i] = wp.analyse(order[i], chains[order[i]])
				}
			}
		}()
	}
	wg.Wait()
	for _, wp := range workers {
		for w, why := range wp.pending {
			p.markRefused(w, why) // a workload is analysed by one worker: no two reasons race
		}
		for w, found := range wp.built { // and its builds' findings come from that worker, in order
			for _, ff := range found {
				if p.built == nil {
					p.built = builtFindings{}
				}
				p.built.add(w, ff.file, ff.f)
			}
		}
	}
	return out
}

// worker returns a copy of the plan for one worker of analyseAll: it shares what the
// analysis only reads, and has its own file cache, patch cache, pending refusals and
// findings of builds.
func (p *Plan) worker() *Plan {
	w := *p
	w.cache, w.pending, w.built = fileCache{}, nil, nil
	r := *p.repo
	r.patches = patches{}
	w.repo = &r
	return &w
}
