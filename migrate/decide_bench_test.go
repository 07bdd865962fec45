package migrate_test

import (
	"math/rand"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/internal/gentree/gen"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// BenchmarkDecideTree decides the workloads of a generated tree (with and without a
// sidecar that moves), parsed once: Decide never edits its document.
func BenchmarkDecideTree(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	var docs []*yaml.RNode
	for i := 0; len(docs) < 500; i++ {
		kind, body := gen.File(rng, i)
		if kind != "sidecar" && kind != "workload" {
			continue
		}
		doc, err := yaml.Parse(body)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, doc)
	}
	moved := 0
	for _, doc := range docs {
		moved += migrate.Decide(doc, migrate.Options{}).Stats.Sidecars
	}
	if moved == 0 {
		b.Fatal("no sidecar moves: the benchmark would measure only the cheap path")
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, doc := range docs {
			migrate.Decide(doc, migrate.Options{})
		}
	}
}
