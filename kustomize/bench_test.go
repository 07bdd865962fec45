package kustomize

import (
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
