package kustomize

import (
	"context"
	"iter"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/internal/gentree/gen"
	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// BenchmarkPlan decides a generated tree of 1,000 manifests with a kustomization per ten
// and overlays patching a quarter of the bases (the bench tree of make bench).
func BenchmarkPlan(b *testing.B) {
	dir := b.TempDir()
	if _, err := gen.KustomizeTree(dir, 1000, 1); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewPlan([]string{dir}, kio.Filter{}, migrate.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRepository measures the share of the plan in a run over the same tree: "plan"
// is NewPlan alone, "run" the whole run of diff without its output (the plan, then every
// file through kio.Tree with it), "files" the files through kio.Tree without a plan. The
// plan's share of the run is plan/run.
func BenchmarkRepository(b *testing.B) {
	dir := b.TempDir()
	if _, err := gen.KustomizeTree(dir, 1000, 1); err != nil {
		b.Fatal(err)
	}
	paths := []string{dir}
	walk := func(yield func(kio.Input) bool) {
		kio.Walk(paths, kio.Filter{}, func(in kio.Input) { yield(in) })
	}
	tree := func(planner kio.Planner) {
		kio.Tree(context.Background(), iter.Seq[kio.Input](walk), 0, migrate.Options{}, planner, kio.Emit{File: func(kio.FileResult) {}})
	}
	plan := func(b *testing.B) *Plan {
		p, err := NewPlan(paths, kio.Filter{}, migrate.Options{})
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	b.Run("plan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			plan(b)
		}
	})
	b.Run("run", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tree(plan(b))
		}
	})
	b.Run("files", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tree(nil)
		}
	})
}
