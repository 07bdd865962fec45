package kustomize

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/plan/*.txt")

// TestPlan decides every repository of testdata/repos without kustomize and compares the
// decision with testdata/plan/REPO.txt: the diff of every patch that follows its base, the
// workloads left alone, and the findings. The expected files were checked by hand; the
// end-to-end tests in cmd/sidecar-migrate prove the same decisions with kustomize build.
func TestPlan(t *testing.T) {
	repos, err := filepath.Glob("../testdata/repos/*")
	require.NoError(t, err)
	require.NotEmpty(t, repos)
	for _, repo := range repos {
		t.Run(filepath.Base(repo), func(t *testing.T) {
			p, err := NewPlan([]string{repo}, kio.Filter{}, migrate.Options{})
			require.NoError(t, err)
			require.NotNil(t, p)
			got := describePlan(p)
			golden := filepath.Join("testdata", "plan", filepath.Base(repo)+".txt")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), got)
		})
	}
}

func describePlan(p *Plan) string {
	var b strings.Builder
	var files []string
	for f := range p.edits {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		r := p.edits[f]
		b.Write(r.Diff())
		for _, fd := range r.Findings {
			fmt.Fprintf(&b, "# %s:%s\n", r.Path, fd)
		}
	}
	var skipped []string
	for f, list := range p.skip {
		for _, r := range list {
			skipped = append(skipped, p.pathOf(f)+": "+r.String())
		}
	}
	sort.Strings(skipped)
	for _, s := range skipped {
		fmt.Fprintf(&b, "left alone: %s\n", s)
	}
	var findings []string
	for f, list := range p.findings {
		for _, fd := range list {
			findings = append(findings, p.pathOf(f)+":"+fd.String())
		}
	}
	sort.Strings(findings)
	for _, s := range findings {
		fmt.Fprintf(&b, "%s\n", s)
	}
	return b.String()
}

// TestPlanRemote reports a remote base and leaves it alone; the local base beside it is
// still migrated with the overlay's patch.
func TestPlanRemote(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"base/kustomization.yaml": "resources: [web.yaml]\n",
		"base/web.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - {name: web, image: example.com/web:1}
      - {name: istio-proxy, image: docker.io/istio/proxyv2:1.24.2}
`,
		"prod/kustomization.yaml": `resources:
- ../base
- https://github.com/example/platform//deploy/base?ref=v1.2.0
patches:
- patch: |
    - {op: add, path: /spec/template/spec/containers/1/args, value: [--concurrency=4]}
  target: {kind: Deployment, name: web}
`,
	}
	for name, text := range files {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	p, err := NewPlan([]string{dir}, kio.Filter{}, migrate.Options{})
	require.NoError(t, err)
	got := describePlan(p)
	assert.Contains(t, got, "prod/kustomization.yaml:3: info kustomize-remote Kustomization/prod: remote resource https://github.com/example/platform//deploy/base?ref=v1.2.0 left alone")
	assert.Contains(t, got, "-    - {op: add, path: /spec/template/spec/containers/1/args, value: [--concurrency=4]}\n+    - {op: add, path: /spec/template/spec/initContainers/0/args, value: [--concurrency=4]}\n")
	assert.NotContains(t, got, "\nleft alone: ", "no workload is refused")
}

// TestPlanHelmTemplate does not read a kustomization that is a Helm chart's template: it is
// not YAML until rendered.
func TestPlanHelmTemplate(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "chart", "templates"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "chart", "Chart.yaml"), []byte("apiVersion: v2\nname: c\nversion: 0.1.0\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "chart", "templates", "kustomization.yaml"), []byte("resources:\n{{- range .Values.files }}\n- {{ . }}\n{{- end }}\n"), 0o644))
	p, err := NewPlan([]string{dir}, kio.Filter{}, migrate.Options{})
	require.NoError(t, err)
	assert.Empty(t, p.Roots())
}
