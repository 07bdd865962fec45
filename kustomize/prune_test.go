package kustomize

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/internal/gentree/gen"
	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestPrunedMerge checks that the strategic merge given only the fields a patch names gives
// what kyaml's merge of the whole object gives: on objects written to hold what the merge
// changes by itself (nulls, anchors, empty maps, lists the patch does not name), and on
// every workload of a generated tree and of the corpus, each with patches that name its
// first container, its labels and its pod spec.
func TestPrunedMerge(t *testing.T) {
	objects := []string{`apiVersion: apps/v1
kind: Deployment
metadata: {name: api, labels: {a: "1"}, annotations: {}}
spec:
  replicas: 2
  selector: {matchLabels: {a: "1"}}
  template:
    spec:
      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          requiredDuringSchedulingIgnoredDuringExecution: ~
      volumes: &v [{name: data, emptyDir: {}}]
      containers:
      - name: api
        image: example.com/api:1
        env: [{name: A, value: "1"}, {name: A, value: "2"}]
      - name: proxy
        image: example.com/proxy:1
`}
	dir := t.TempDir()
	_, err := gen.KustomizeTree(dir, 200, 3)
	require.NoError(t, err)
	for _, root := range []string{dir, "../../shared/corpus", "../testdata/repos"} {
		kio.Walk([]string{root}, kio.Filter{}, func(in kio.Input) {
			data, err := os.ReadFile(in.Path)
			if err != nil || !strings.Contains(string(data), "containers:") || filepath.Base(in.Path) == "kustomization.yaml" {
				return
			}
			objects = append(objects, string(data))
		})
	}
	patches := []string{
		"metadata: {name: x, labels: {b: '2'}}\nspec: {template: {spec: {containers: [{name: %s, env: [{name: B, value: '3'}]}]}}}",
		"spec: {template: {spec: {containers: [{name: %s, image: example.com/new:2}], initContainers: [{name: init, image: busybox}]}}}",
		"spec: {template: {spec: {restartPolicy: Never, containers: [{name: %s, args: null}]}}}",
		"spec: {template: {spec: {containers: [{name: %s, $patch: delete}]}}}",
		"spec: {template: {metadata: {annotations: {x: y}}}}",
	}
	merges := 0
	for _, text := range objects {
		docs, err := kio.ParseDocuments("object.yaml", []byte(text))
		if err != nil {
			continue
		}
		for _, d := range docs {
			cs := items(get(getPath(d.Node, "spec", "template", "spec"), "containers"))
			if len(cs) == 0 || str(cs[0], "name") == "" {
				continue
			}
			first := str(cs[0], "name")
			for _, pt := range patches {
				pdocs, err := kio.ParseDocuments("patch.yaml", []byte(strings.ReplaceAll(pt, "%s", first)))
				require.NoError(t, err)
				got, gerr := applyStrategicMerge(d.Node, pdocs[0].Node)
				want, werr := strategicMerge(d.Node, yaml.CopyYNode(d.Node), pdocs[0].Node)
				require.Equal(t, werr == nil, gerr == nil, "%v / %v", werr, gerr)
				if werr == nil {
					require.Empty(t, difference(want, got), "patch %q on\n%s", pt, text)
					merges++
				}
			}
		}
	}
	require.Greater(t, merges, 200)
}
