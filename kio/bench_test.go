package kio

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/internal/gentree/gen"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// BenchmarkDocument migrates one Deployment with a sidecar.
func BenchmarkDocument(b *testing.B) {
	doc := generated("sidecar")
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if r := File("d.yaml", doc, migrate.Options{}); !r.Changed() {
			b.Fatal("nothing migrated")
		}
	}
}

// BenchmarkDocumentUnchanged checks one Deployment that needs no change, the common case once
// a repository is migrated.
func BenchmarkDocumentUnchanged(b *testing.B) {
	doc := generated("workload")
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if r := File("d.yaml", doc, migrate.Options{}); r.Changed() || r.Err != nil || r.Stats.Workloads != 1 {
			b.Fatalf("want one workload looked at and left alone, got %+v", r)
		}
	}
}

// generated returns the first generated file of the kind.
func generated(kind string) []byte {
	rng := rand.New(rand.NewSource(1))
	for i := 0; ; i++ {
		if k, body := gen.File(rng, i); k == kind {
			return []byte(body)
		}
	}
}

// BenchmarkLargeFile migrates a 2 MB multi-document file shaped like a project's install
// manifest: a few large CRDs, then workloads (some with sidecars), Services and ConfigMaps.
func BenchmarkLargeFile(b *testing.B) {
	data := []byte(gen.Install(1, 2<<20))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if r := File("install.yaml", data, migrate.Options{}); !r.Changed() {
			b.Fatal("nothing migrated")
		}
	}
}

// BenchmarkPipeline runs the whole pipeline (walk, read, migrate, in order) over a generated
// tree of 1,000 files.
func BenchmarkPipeline(b *testing.B) {
	dir := b.TempDir()
	total, err := gen.Tree(dir, 1000, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	for b.Loop() {
		inputs, errs := Collect([]string{dir}, Filter{})
		if len(errs) > 0 {
			b.Fatal(errs)
		}
		changed := 0
		Tree(context.Background(), Inputs(inputs), 0, migrate.Options{}, nil, Emit{File: func(r FileResult) {
			if r.Changed() {
				changed++
				_ = r.Diff()
			}
		}})
		if changed == 0 {
			b.Fatal("nothing changed")
		}
	}
}

// BenchmarkJobList migrates one List of Jobs, each with a proxy its app stops: the lifetime
// gate decides every Job on a copy, so the cost of a copy must stay that of one item, not of
// the whole List (at 2,000 Jobs a whole-List copy per item took 40 times as long).
func BenchmarkJobList(b *testing.B) {
	for _, n := range []int{100, 1000} {
		doc := jobList(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if r := File("jobs.yaml", doc, migrate.Options{}); r.Stats.Sidecars != n || r.Stats.Workarounds != n {
					b.Fatalf("want %d sidecars and workarounds, got %+v", n, r.Stats)
				}
			}
		})
	}
}

func jobList(n int) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: List\nitems:\n")
	for i := range n {
		fmt.Fprintf(&b, `- apiVersion: batch/v1
  kind: Job
  metadata:
    name: job-%d
  spec:
    template:
      spec:
        restartPolicy: Never
        containers:
        - name: app
          image: registry.example.com/app:1
          command: ["sh", "-c", "run; curl -fsS -X POST http://localhost:15020/quitquitquit"]
        - name: istio-proxy
          image: docker.io/istio/proxyv2:1.22.0
`, i)
	}
	return []byte(b.String())
}

// BenchmarkListDiff migrates a List of 20,000 pods, each with a sidecar that moves, and diffs
// it, as `diff` does: one document with 20,000 changes, migrated item by item.
func BenchmarkListDiff(b *testing.B) {
	doc := podList(20000)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		r := File("list.yaml", doc, migrate.Options{})
		if r.Stats.Sidecars != 20000 {
			b.Fatalf("want 20,000 sidecars moved, got %+v", r.Stats)
		}
		_ = r.Diff()
	}
}

// podList returns a List of n pods, each with an app and an Istio proxy, as
// scripts/bench-memory.sh writes it.
func podList(n int) []byte { return gen.PodItems("v1", "List", n) }

// BenchmarkManyDocuments migrates and diffs a file of 20,000 documents, each a pod whose
// sidecar moves (scripts/bench-memory.sh runs the same shape at 322,000 documents).
func BenchmarkManyDocuments(b *testing.B) {
	one := strings.ReplaceAll(strings.TrimPrefix(string(podList(1)), "apiVersion: v1\nkind: List\nitems:\n- "), "\n  ", "\n")
	data := []byte(strings.Repeat(one+"---\n", 20000))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r := File("docs.yaml", data, migrate.Options{})
		if r.Stats.Sidecars != 20000 {
			b.Fatalf("want 20,000 sidecars moved, got %+v", r.Stats)
		}
		if err := r.WriteDiff(io.Discard, false); err != nil {
			b.Fatal(err)
		}
	}
}
