package main

import (
	"bytes"
	"io"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/internal/gentree/gen"
)

// resourceList returns a ResourceList of n pods, each with an app and an Istio proxy to move,
// as scripts/bench-memory.sh generates it.
func resourceList(n int) []byte { return gen.PodItems("config.kubernetes.io/v1", "ResourceList", n) }

// BenchmarkFnResourceList runs fn over a ResourceList of 2,000 pods whose proxies all move:
// read, migrate, write and the results of every item.
func BenchmarkFnResourceList(b *testing.B) {
	in := resourceList(2000)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		var stderr bytes.Buffer
		if code := run([]string{"fn"}, bytes.NewReader(in), io.Discard, &stderr); code != 0 {
			b.Fatalf("exit %d: %s", code, stderr.String())
		}
	}
}
