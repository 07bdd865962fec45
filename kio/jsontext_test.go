package kio

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonPod is a Pod whose sidecar moves, with S standing for a JSON string's content in a
// key and a value of an untouched mapping, of the app container and of the moved sidecar,
// twice on one line so that a rewrite that shifted columns would misplace the second.
const jsonPod = `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "annotations": {"k/S": "S", "S": "S"}},
 "spec": {"containers": [
  {"name": "app", "image": "registry.example.com/app:1", "env": [{"name": "S", "value": "S"}]},
  {"name": "log-shipper", "image": "docker.io/fluent/fluent-bit:3.2.4", "args": ["S", "S"], "env": [{"name": "S", "value": "S"}]}
 ]}}
`

// TestJSONStrings migrates JSON that encoding/json reads and YAML's parser alone would not:
// each must be accepted, give the values encoding/json gives, and keep its text as it was.
func TestJSONStrings(t *testing.T) {
	for name, s := range map[string]string{
		"escaped slash":    `a\/b\/`,
		"surrogate pair":   `\ud83d\ude00`,
		"lone high":        `x\ud83dy`,
		"lone low":         `\ude00`,
		"two pairs":        `\uD83D\uDE00\ud83d\udc4b`,
		"lone escape":      `caf\u00e9`,
		"all escapes":      `\"\\\/\b\f\n\r\t\u0000`,
		"raw DEL":          "a\x7fb",
		"raw C1":           "a\u0080b\u009f",
		"raw noncharacter": "\ufffe\uffff",
		"mixed":            "\\/\u0080\\ud83d\\ude00\x7f\\u00e9",
	} {
		t.Run(name, func(t *testing.T) {
			in := strings.ReplaceAll(jsonPod, "S", s)
			require.True(t, json.Valid([]byte(in)))
			r := File("pod.json", []byte(in), migrate.Options{})
			require.NoError(t, r.Err)
			require.Equal(t, 1, r.Stats.Sidecars, "the sidecar moves")
			require.Zero(t, r.Fallbacks)
			assert.True(t, json.Valid(r.After), "the output is JSON")
			assert.Equal(t, strings.Count(in, s), bytes.Count(r.After, []byte(s)), "every string is kept as it was written")

			var before, after struct {
				Metadata struct{ Annotations map[string]string }
				Spec     struct{ Containers, InitContainers []map[string]any }
			}
			require.NoError(t, json.Unmarshal([]byte(in), &before))
			require.NoError(t, json.Unmarshal(r.After, &after))
			assert.Equal(t, before.Metadata, after.Metadata)
			assert.Equal(t, before.Spec.Containers[:1], after.Spec.Containers)
			moved := before.Spec.Containers[1]
			moved["restartPolicy"] = "Always"
			assert.Equal(t, []map[string]any{moved}, after.Spec.InitContainers)

			again := File("pod.json", r.After, migrate.Options{})
			require.NoError(t, again.Err)
			assert.Equal(t, string(r.After), string(again.After), "idempotent")
		})
	}
}

// TestJSONStringsYAML is the twin: in a YAML document, which encoding/json does not read,
// the same escapes are the parser's to judge, and \/ stays an error naming its line.
func TestJSONStringsYAML(t *testing.T) {
	in := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"a\\/b\"\nspec:\n  containers: []\n"
	r := File("pod.yaml", []byte(in), migrate.Options{})
	require.Error(t, r.Err)
	assert.Contains(t, r.Err.Error(), "pod.yaml:4:")
	assert.Equal(t, in, string(r.After))
}
