// Package gen generates realistic manifest trees for benchmarks and tests.
package gen

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
)

// Tree writes n files under dir and returns the bytes written. Files are spread ten to a
// service folder, the service folders over 50 team folders, as in a monorepo.
// The mix: 20% workloads with sidecars, 30% workloads without, 15% Services, 15% ConfigMaps,
// 10% Helm values, 8% other YAML, 2% CRDs (the large files, up to 2 MB).
func Tree(dir string, n int, seed int64) (int64, error) {
	rng := rand.New(rand.NewSource(seed))
	var total int64
	for i := range n {
		kind, body := File(rng, i)
		svc := i / 10
		path := filepath.Join(dir, fmt.Sprintf("team-%02d", svc%50), fmt.Sprintf("svc-%05d", svc), fmt.Sprintf("%s-%06d.yaml", kind, i))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return total, err
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			return total, err
		}
		total += int64(len(body))
	}
	return total, nil
}

// File returns the kind and content of the i-th generated file.
func File(rng *rand.Rand, i int) (string, string) {
	switch p := rng.Intn(100); {
	case p < 20:
		return "sidecar", workload(rng, i, true)
	case p < 50:
		return "workload", workload(rng, i, false)
	case p < 65:
		return "service", service(i)
	case p < 80:
		return "configmap", configMap(rng, i)
	case p < 90:
		return "values", values(rng, i)
	case p < 98:
		return "other", other(rng, i)
	default:
		return "crd", crd(rng, i)
	}
}

// Install returns a multi-document manifest of about size bytes shaped like a project's
// install manifest (argo-cd's is 2 MB): a few large CRDs, then at most 40 workloads (some with
// sidecars), Services and ConfigMaps.
func Install(seed int64, size int) string {
	rng := rand.New(rand.NewSource(seed))
	var docs []string
	total, workloads := 0, 0
	for i := 0; total < size; i++ {
		kind, body := File(rng, i)
		switch {
		case kind == "crd":
			body = body[:min(len(body), size/5)]
			body = body[:strings.LastIndexByte(body, '\n')+1] // whole lines
		case kind == "sidecar" || kind == "workload":
			if workloads++; workloads > 40 {
				continue
			}
		}
		docs = append(docs, body)
		total += len(body)
	}
	return strings.Join(docs, "---\n")
}

var sidecarImages = []string{
	"docker.io/istio/proxyv2:1.24.2", "cr.fluentbit.io/fluent/fluent-bit:3.1.4",
	"gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1", "quay.io/brancz/kube-rbac-proxy:v0.18.1",
	"registry.k8s.io/git-sync/git-sync:v4.2.4", "grafana/promtail:3.1.1",
}

func workload(rng *rand.Rand, i int, sidecar bool) string {
	kind := []string{"Deployment", "StatefulSet", "DaemonSet"}[rng.Intn(3)]
	var b strings.Builder
	fmt.Fprintf(&b, `# Workload %d, owned by team %d.
apiVersion: apps/v1
kind: %s
metadata:
  name: app-%d
  namespace: team-%d
  labels:
    app: app-%d
spec:
  selector:
    matchLabels:
      app: app-%d
  template:
    metadata:
      labels:
        app: app-%d
    spec:
      containers:
      # The application.
      - name: app
        image: registry.example.com/team-%d/app-%d:1.%d.0
        ports:
        - containerPort: 8080
        env:
`, i, i%50, kind, i, i%50, i, i, i, i%50, i, rng.Intn(30))
	for e := range 5 + rng.Intn(40) {
		fmt.Fprintf(&b, "        - name: SETTING_%d\n          value: \"%d\"\n", e, rng.Intn(100000))
	}
	b.WriteString("        resources:\n          requests:\n            cpu: 100m\n            memory: 128Mi\n")
	if sidecar {
		fmt.Fprintf(&b, "      # Helper.\n      - name: helper-%d\n        image: %s\n        args: [\"--port=15000\"]\n", rng.Intn(3), sidecarImages[rng.Intn(len(sidecarImages))])
	}
	return b.String()
}

func service(i int) string {
	return fmt.Sprintf("apiVersion: v1\nkind: Service\nmetadata:\n  name: app-%d\nspec:\n  selector:\n    app: app-%d\n  ports:\n  - port: 80\n    targetPort: 8080\n", i, i)
}

func configMap(rng *rand.Rand, i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-%d\ndata:\n", i)
	for k := range 10 + rng.Intn(200) {
		fmt.Fprintf(&b, "  key-%d: \"value %d of a setting with some text to make the line longer\"\n", k, rng.Intn(1e6))
	}
	return b.String()
}

func values(rng *rand.Rand, i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Helm values for release %d\nreplicaCount: %d\nimage:\n  repository: registry.example.com/app\n  tag: \"1.%d\"\nresources:\n  limits:\n    cpu: 500m\n", i, 1+rng.Intn(5), rng.Intn(50))
	for k := range 20 + rng.Intn(100) {
		fmt.Fprintf(&b, "feature%d:\n  enabled: %t\n  threshold: %d\n", k, rng.Intn(2) == 0, rng.Intn(1000))
	}
	return b.String()
}

func other(rng *rand.Rand, i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# CI pipeline %d\nsteps:\n", i)
	for s := range 5 + rng.Intn(60) {
		fmt.Fprintf(&b, "- name: step-%d\n  run: make target-%d\n  env:\n    LEVEL: \"%d\"\n", s, s, rng.Intn(9))
	}
	return b.String()
}

// crd writes a CustomResourceDefinition with a large schema: 100 KB to 2 MB.
func crd(rng *rand.Rand, i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things%d.example.com\nspec:\n  group: example.com\n  names:\n    kind: Thing%d\n  versions:\n  - name: v1\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n", i, i)
	size := 100_000 + rng.Intn(1_900_000)
	for p := 0; b.Len() < size; p++ {
		fmt.Fprintf(&b, "          field%d:\n            description: A generated field of the schema, number %d, with a description long enough to look real.\n            type: string\n", p, p)
	}
	return b.String()
}
