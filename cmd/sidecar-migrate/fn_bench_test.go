package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

// resourceList returns a ResourceList of n pods, each with an app and an Istio proxy to move,
// as scripts/bench-memory.sh generates it.
func resourceList(n int) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for i := range n {
		fmt.Fprintf(&b, `- apiVersion: v1
  kind: Pod
  metadata:
    name: pod-%d
    labels:
      app.kubernetes.io/name: shop-frontend
  spec:
    containers:
    - name: app
      image: registry.example.com/app:%d
      ports:
      - containerPort: 8080
    - name: istio-proxy
      image: docker.io/istio/proxyv2:1.22.0
`, i, i%7)
	}
	return []byte(b.String())
}

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
