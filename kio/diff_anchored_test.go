package kio

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// podList returns a List of n pods, each with an app and an Istio proxy to move: one
// document with n changes.
func podList(n int) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: List\nitems:\n")
	for i := range n {
		fmt.Fprintf(&b, `- apiVersion: v1
  kind: Pod
  metadata:
    name: pod-%d
  spec:
    containers:
    - name: app
      image: registry.example.com/app:%d
      ports:
      - containerPort: 8080
    - name: istio-proxy
      image: docker.io/istio/proxyv2:1.22.0
      args: [proxy, sidecar]
`, i, i%7)
	}
	return []byte(b.String())
}

// TestUnifiedDiffAnchored checks the diff of a large document split at its anchors: git
// applies it, and each pod changes as many lines as a single pod's diff does.
func TestUnifiedDiffAnchored(t *testing.T) {
	one := MigrateBytes("one.yaml", podList(1), migrate.Options{})
	r := MigrateBytes("list.yaml", podList(500), migrate.Options{})
	require.NoError(t, r.Err)
	require.Greater(t, len(bytes.Split(r.Before, []byte("\n")))*2, anchoredMin, "the case must be large enough to be split")
	d := UnifiedDiff("list.yaml", r.Before, r.After)
	oneDiff := UnifiedDiff("one.yaml", one.Before, one.After)
	changed := func(d []byte) int { return bytes.Count(d, []byte("\n-")) + bytes.Count(d, []byte("\n+")) - 2 }
	assert.Equal(t, 500*changed(oneDiff), changed(d), "every pod's hunk changes as many lines as a single pod's")

	requireGit(t)
	got := gitApply(t, gitRepo(t), "list.yaml", r.Before, d)
	assert.True(t, bytes.Equal(r.After, got), "git apply does not give after")
}

// BenchmarkDiffPodList diffs a List of migrated pods, one document with a change a pod.
func BenchmarkDiffPodList(b *testing.B) {
	for _, n := range []int{5000, 20000} {
		r := MigrateBytes("list.yaml", podList(n), migrate.Options{})
		if r.Err != nil || !r.Changed() {
			b.Fatal("nothing migrated", r.Err)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(len(r.Before)))
			for b.Loop() {
				UnifiedDiff("list.yaml", r.Before, r.After)
			}
		})
	}
}
