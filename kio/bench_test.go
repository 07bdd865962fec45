package kio

import (
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/internal/gentree/gen"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// BenchmarkDocument migrates one Deployment with a sidecar.
func BenchmarkDocument(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	var doc string
	for doc == "" {
		if kind, body := gen.File(rng, 0); kind == "sidecar" {
			doc = body
		}
	}
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if r := MigrateBytes("d.yaml", []byte(doc), migrate.Options{}); !r.Changed() {
			b.Fatal("nothing migrated")
		}
	}
}

// BenchmarkLargeFile migrates a 2 MB multi-document file shaped like a project's install
// manifest: a few large CRDs, then workloads (some with sidecars), Services and ConfigMaps.
func BenchmarkLargeFile(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	var docs []string
	size, workloads := 0, 0
	for i := 0; size < 2<<20; i++ {
		kind, body := gen.File(rng, i)
		switch {
		case kind == "crd":
			body = body[:min(len(body), 400_000)]
		case kind == "sidecar" || kind == "workload":
			if workloads++; workloads > 40 {
				continue
			}
		}
		docs = append(docs, body)
		size += len(body)
	}
	data := []byte(strings.Join(docs, "---\n"))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if r := MigrateBytes("install.yaml", data, migrate.Options{}); !r.Changed() {
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
		Run(Inputs(inputs), 0, migrate.Options{}, func(r FileResult) {
			if r.Changed() {
				changed++
				_ = UnifiedDiff(r.Path, r.Before, r.After)
			}
		})
		if changed == 0 {
			b.Fatal("nothing changed")
		}
	}
	_ = os.RemoveAll(filepath.Join(dir, "x"))
}
