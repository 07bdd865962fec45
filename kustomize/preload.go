package kustomize

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
)

// Reading and parsing the kustomizations and their patches is most of what the plan does
// before it decides, and it needs nothing of the rest: it runs on every core while the
// walk of the paths goes on. load then takes the parsed kustomization of a folder from
// here, and records its errors in the order it always has.

// parsed is a kustomization read and parsed ahead, with its patches loaded.
type parsed struct {
	k   *Kustomization
	err error // reading or parsing the file
}

// preload reads and parses the kustomization files with a worker per core, loading their
// patches, and returns them by folder once fn, run beside them, has returned.
func preload(files []string, fn func()) map[string]parsed {
	out := make([]parsed, len(files))
	wait := onEveryCore(len(files), func(i int) { out[i] = parseFile(files[i]) })
	fn()
	wait()
	byDir := make(map[string]parsed, len(files))
	for i, f := range files {
		byDir[filepath.Dir(f)] = out[i]
	}
	return byDir
}

// parseFile reads and parses a kustomization file and loads its patches.
func parseFile(file string) parsed {
	data, err := os.ReadFile(file)
	if err != nil {
		return parsed{err: err}
	}
	k, err := parseKustomization(file, data)
	if err != nil {
		return parsed{err: err}
	}
	for _, p := range k.Patches {
		p.load()
	}
	return parsed{k: k}
}

// onEveryCore calls f for each of 0..n-1 with a worker per core, and returns the function that
// waits for them all.
func onEveryCore(n int, f func(i int)) (wait func()) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				f(i)
			}
		}()
	}
	return wg.Wait
}
