package kio

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFindingsShareStrings checks that the same message of two documents is one string in
// memory, and that the result keeps no set of strings.
func TestFindingsShareStrings(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p%s\nspec:\n  containers:\n  - name: app\n    image: app\n  - name: istio-proxy\n    image: docker.io/istio/proxyv2:1.22.0\n"
	data := strings.ReplaceAll(pod, "%s", "1") + "---\n" + strings.ReplaceAll(pod, "%s", "2")
	r := File("pods.yaml", []byte(data), migrate.Options{})
	require.Len(t, r.Findings, 4)
	first, second := r.Findings[0], r.Findings[2]
	require.Equal(t, first.Message, second.Message)
	assert.Equal(t, unsafe.StringData(first.Message), unsafe.StringData(second.Message), "one copy of the message")
	assert.Equal(t, unsafe.StringData(first.Field), unsafe.StringData(second.Field), "one copy of the field")
	assert.NotEqual(t, first.Resource.Name, second.Resource.Name)
	assert.Nil(t, r.strings)
}
