package gen

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// KustomizeTree writes n manifests under dir as Tree does, with a kustomization in every
// service folder (one per ten manifests) listing its workloads, Services and ConfigMaps, and
// an overlay for one service folder in four that patches its first workload by strategic
// merge and by JSON 6902. It returns the bytes written.
func KustomizeTree(dir string, n int, seed int64) (int64, error) {
	rng := rand.New(rand.NewSource(seed))
	var total int64
	folders := map[string][]string{}
	first := map[string]string{}
	for i := range n {
		kind, body := File(rng, i)
		if kind == "crd" {
			kind, body = "configmap", configMap(rng, i) // kustomize bases rarely carry 2 MB CRDs
		}
		svc := i / 10
		folder := filepath.Join(dir, fmt.Sprintf("team-%02d", svc%50), fmt.Sprintf("svc-%05d", svc), "base")
		name := fmt.Sprintf("%s-%06d.yaml", kind, i)
		if err := write(filepath.Join(folder, name), body, &total); err != nil {
			return total, err
		}
		if kind != "values" && kind != "other" {
			folders[folder] = append(folders[folder], name)
		}
		if (kind == "sidecar" || kind == "workload") && first[folder] == "" {
			first[folder] = fmt.Sprintf("%s app-%d", strings.SplitN(strings.SplitN(body, "kind: ", 2)[1], "\n", 2)[0], i)
		}
	}
	var list []string
	for f := range folders {
		list = append(list, f)
	}
	sort.Strings(list)
	for i, f := range list {
		if err := write(filepath.Join(f, "kustomization.yaml"), "resources:\n- "+strings.Join(folders[f], "\n- ")+"\n", &total); err != nil {
			return total, err
		}
		if i%4 != 0 || first[f] == "" {
			continue
		}
		kind, name, _ := strings.Cut(first[f], " ")
		var num int
		fmt.Sscanf(name, "app-%d", &num)
		overlay := filepath.Join(filepath.Dir(f), "overlays", "prod")
		k := fmt.Sprintf("resources:\n- ../../base\nnamePrefix: prod-\npatches:\n- path: replicas.yaml\n- target: {kind: %s, name: %s}\n  patch: |\n    - op: replace\n      path: /spec/template/spec/containers/0/resources/requests/cpu\n      value: 200m\n", kind, name)
		patch := fmt.Sprintf("apiVersion: apps/v1\nkind: %s\nmetadata:\n  name: %s\n  namespace: team-%d\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        env:\n        - {name: ENV, value: prod}\n", kind, name, num%50)
		if err := write(filepath.Join(overlay, "kustomization.yaml"), k, &total); err != nil {
			return total, err
		}
		if err := write(filepath.Join(overlay, "replicas.yaml"), patch, &total); err != nil {
			return total, err
		}
	}
	return total, nil
}

func write(path, body string, total *int64) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	*total += int64(len(body))
	return os.WriteFile(path, []byte(body), 0o644)
}
