package main

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kustomizeBin returns the real kustomize binary ($KUSTOMIZE), or skips the test without it
// (fails under SIDECAR_MIGRATE_E2E=required, as in make test).
func kustomizeBin(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("KUSTOMIZE")
	if _, err := os.Stat(bin); bin == "" || err != nil {
		if os.Getenv("SIDECAR_MIGRATE_E2E") == "required" {
			t.Fatalf("$KUSTOMIZE=%q: %v (make tools installs it)", bin, err)
		}
		t.Skipf("kustomize not installed: run make tools, or set $KUSTOMIZE (%q)", bin)
	}
	abs, err := filepath.Abs(bin)
	require.NoError(t, err)
	return abs
}

// built is the output of kustomize build for one root, by kind/namespace/name.
type built map[string]map[string]any

func build(t *testing.T, bin, dir string) (built, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "build", dir)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, &exec.ExitError{Stderr: stderr.Bytes()}
	}
	out := built{}
	for _, doc := range strings.Split(stdout.String(), "\n---\n") {
		var obj map[string]any
		require.NoError(t, yaml.Unmarshal([]byte(doc), &obj))
		md, _ := obj["metadata"].(map[string]any)
		out[obj["kind"].(string)+"/"+str(md["namespace"])+"/"+str(md["name"])] = obj
	}
	return out, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// migrated returns the migration of one built object, as plain data.
func migrated(t *testing.T, obj map[string]any, opts migrate.Options) map[string]any {
	t.Helper()
	data, err := yaml.Marshal(obj)
	require.NoError(t, err)
	doc, err := yaml.Parse(string(data))
	require.NoError(t, err)
	migrate.Migrate(doc, opts)
	var out map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(doc.MustString()), &out))
	return out
}

// roots returns the folders under dir that hold a kustomization that is not a component.
func roots(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "kustomization.yaml" {
			return err
		}
		data, err := os.ReadFile(p)
		if err == nil && !strings.Contains(string(data), "kind: Component") {
			rel, _ := filepath.Rel(dir, filepath.Dir(p))
			out = append(out, rel)
		}
		return err
	})
	require.NoError(t, err)
	sort.Strings(out)
	return out
}

// copyTree copies a folder to a new temporary folder.
func copyTree(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	require.NoError(t, err)
	return to
}

// commutes builds every root of dir before and after `apply --verify-kustomize` and checks,
// independently of the command's own check, that every object built after is the
// migration of the object built before, or the object as it was for the workloads listed
// in left (kind/namespace/name). It returns the builds after, by root, and the command's
// stderr.
func commutes(t *testing.T, bin, dir string, wantCode int, left ...string) (map[string]built, string) {
	t.Helper()
	before := map[string]built{}
	for _, r := range roots(t, dir) {
		b, err := build(t, bin, filepath.Join(dir, r))
		require.NoError(t, err, "%s must build before the migration", r)
		before[r] = b
	}
	t.Setenv("KUSTOMIZE", bin)
	var stdout, stderr bytes.Buffer
	code := run([]string{"apply", "--allow-no-vcs", "--verify-kustomize", dir}, strings.NewReader(""), &stdout, &stderr)
	require.Equal(t, wantCode, code, stderr.String())
	after := map[string]built{}
	for r, b := range before {
		a, err := build(t, bin, filepath.Join(dir, r))
		require.NoError(t, err, "%s must build after the migration: %s", r, stderr.String())
		after[r] = a
		require.Equal(t, keys(b), keys(a), "%s builds the same objects", r)
		for id, obj := range b {
			want := migrated(t, obj, migrate.Options{})
			switch {
			case reflect.DeepEqual(want, a[id]):
			case contains(left, id) && reflect.DeepEqual(obj, a[id]):
			default:
				t.Errorf("%s: %s after the migration is neither the migration of its build before nor, left alone, as it was", r, id)
			}
		}
	}
	return after, stderr.String()
}

func keys(b built) []string {
	var out []string
	for k := range b {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// names returns the names of a built pod template's containers or initContainers, with
// "+" after each that has restartPolicy: Always.
func names(obj map[string]any, path ...string) []string {
	var n any = obj
	for _, p := range path {
		m, _ := n.(map[string]any)
		n = m[p]
	}
	var out []string
	list, _ := n.([]any)
	for _, c := range list {
		m := c.(map[string]any)
		name := m["name"].(string)
		if m["restartPolicy"] == "Always" {
			name += "+"
		}
		out = append(out, name)
	}
	return out
}

var podSpec = []string{"spec", "template", "spec"}

func field(obj map[string]any, path ...string) any {
	var n any = obj
	for _, p := range path {
		switch v := n.(type) {
		case map[string]any:
			n = v[p]
		case []any:
			for _, item := range v {
				if m, ok := item.(map[string]any); ok && m["name"] == p {
					n = m
				}
			}
		}
	}
	return n
}

// TestRepositoryShop migrates testdata/repos/shop: a base with three overlays (staging
// patches the proxy by name with strategic-merge patches, production by position with JSON
// 6902 patches, inline and in a JSON file, legacy with the deprecated patchesStrategicMerge
// and patchesJson6902 fields), a component that adds a log shipper, and a Helm chart.
func TestRepositoryShop(t *testing.T) {
	bin := kustomizeBin(t)
	dir := copyTree(t, "../../testdata/repos/shop")
	after, stderr := commutes(t, bin, dir, 0)
	for _, r := range []string{"base", "overlays/staging", "overlays/production", "overlays/legacy"} {
		assert.Contains(t, stderr, "verify "+filepath.Join(dir, r)+": kustomize build commutes with the migration")
	}
	assert.Contains(t, stderr, "charts/metrics/templates/deployment.yaml:1: info helm-template")

	staging := after["overlays/staging"]
	web := staging["Deployment/shop-staging/staging-shop"]
	assert.Equal(t, []string{"cloud-sql-proxy+"}, names(web, append(podSpec, "initContainers")...))
	assert.Equal(t, []string{"web"}, names(web, append(podSpec, "containers")...), "no image-less proxy left in containers")
	assert.Equal(t, []any{"--port=5432", "shop-staging:europe-west1:shop"}, field(web, append(podSpec, "initContainers", "cloud-sql-proxy", "args")...))
	job := staging["Job/shop-staging/staging-shop-migrate"]
	assert.Equal(t, []string{"cloud-sql-proxy+"}, names(job, append(podSpec, "initContainers")...))
	assert.Equal(t, []any{"--port=5432", "shop-staging:europe-west1:shop"}, field(job, append(podSpec, "initContainers", "cloud-sql-proxy", "args")...))

	prod := after["overlays/production"]["Deployment/shop/shop"]
	assert.Equal(t, []string{"fluent-bit+", "cloud-sql-proxy+"}, names(prod, append(podSpec, "initContainers")...))
	assert.Equal(t, []string{"web"}, names(prod, append(podSpec, "containers")...))
	proxy := append(podSpec, "initContainers", "cloud-sql-proxy")
	assert.Equal(t, []any{"--port=5432", "shop-prod:europe-west1:shop-replica"}, field(prod, append(proxy, "args")...), "the JSON patch still edits the proxy")
	assert.Equal(t, map[string]any{"cpu": "100m", "memory": "64Mi"}, field(prod, append(proxy, "resources", "requests")...))
	env := field(prod, append(podSpec, "containers", "web", "env")...).([]any)
	assert.Equal(t, map[string]any{"name": "FEATURE_FLAGS", "value": "checkout-v2"}, env[len(env)-1], "the JSON patch still edits the app")

	legacy := after["overlays/legacy"]["Deployment//legacy-shop"]
	assert.Equal(t, []any{"--port=5432", "--max-connections=20", "shop-legacy:europe-west1:shop"}, field(legacy, append(podSpec, "initContainers", "cloud-sql-proxy", "args")...))
	assert.Equal(t, map[string]any{"name": "LEGACY", "value": "true"}, field(legacy, append(podSpec, "containers", "web", "env")...).([]any)[0])

	// Running it again changes nothing.
	var stdout, stderr2 bytes.Buffer
	require.Equal(t, 0, run([]string{"diff", "--exit-code", dir}, strings.NewReader(""), &stdout, &stderr2), stderr2.String())
	assert.Empty(t, stdout.String())
}

// TestRepositoryRefused migrates testdata/repos/refused: each workload that a patch cannot
// follow is left unmigrated with the reason, the others are migrated, and every overlay
// still builds what it built.
func TestRepositoryRefused(t *testing.T) {
	bin := kustomizeBin(t)
	dir := copyTree(t, "../../testdata/repos/refused")
	left := []string{"Deployment//api", "Deployment//worker", "Deployment//web", "Deployment//cache-b",
		"Deployment/prod/api", "Deployment/prod/worker", "Deployment/prod/web", "Deployment/prod/cache-b"}
	after, stderr := commutes(t, bin, dir, 0, left...)
	for _, want := range []string{
		`api.yaml:1: warning kustomize-refused Deployment/api: left unmigrated, so that its overlays keep building: ` + filepath.Join(dir, "overlays/prod/kustomization.yaml") + `:12 (patches[0]): a $patch: delete directive on container "cloud-sql-proxy", which the migration moves`,
		`worker.yaml:1: warning kustomize-refused Deployment/worker: left unmigrated, so that its overlays keep building: ` + filepath.Join(dir, "overlays/prod/kustomization.yaml") + `:24 (patches[1]) selects its targets by label or annotation, and it addresses moved containers`,
		`web.yaml:1: warning kustomize-refused Deployment/web: left unmigrated, so that its overlays keep building: replacement at ` + filepath.Join(dir, "overlays/prod/kustomization.yaml") + `:41 reads or writes container fields, which the migration moves`,
		`caches.yaml:19: warning kustomize-refused Deployment/cache-b: left unmigrated, so that its overlays keep building: ` + filepath.Join(dir, "overlays/prod/kustomization.yaml") + `:33 (patches[3]) reaches Deployment/cache-a and Deployment/cache-b, whose containers move differently`,
	} {
		assert.Contains(t, stderr, want)
	}
	prod := after["overlays/prod"]
	assert.Equal(t, []string{"git-sync+"}, names(prod["Deployment/prod/reports"], append(podSpec, "initContainers")...))
	assert.Equal(t, []any{"--repo=https://example.com/reports.git", "--period=10s"}, field(prod["Deployment/prod/reports"], append(podSpec, "initContainers", "git-sync", "args")...))
	assert.Equal(t, []string{"redis-exporter+"}, names(prod["Deployment/prod/cache-a"], append(podSpec, "initContainers")...))
	assert.Equal(t, map[string]any{"memory": "1Gi"}, field(prod["Deployment/prod/cache-a"], append(podSpec, "containers", "redis", "resources", "limits")...))
	assert.Equal(t, []string{"redis-exporter", "redis"}, names(prod["Deployment/prod/cache-b"], append(podSpec, "containers")...))
	assert.Equal(t, []string{"api"}, names(prod["Deployment/prod/api"], append(podSpec, "containers")...), "the overlay still deletes the proxy")
}

// TestRepositoryRollback migrates testdata/repos/rollback, whose overlay reads the proxy's
// image through a var by position, which the migration does not follow: kustomize build
// fails after the migration, so the root and the base it shares files with are rolled back,
// and the command exits 2.
func TestRepositoryRollback(t *testing.T) {
	bin := kustomizeBin(t)
	src := "../../testdata/repos/rollback"
	dir := copyTree(t, src)
	t.Setenv("KUSTOMIZE", bin)
	var stdout, stderr bytes.Buffer
	code := run([]string{"apply", "--allow-no-vcs", "--verify-kustomize", dir}, strings.NewReader(""), &stdout, &stderr)
	require.Equal(t, exitFailed, code, stderr.String())
	assert.Contains(t, stderr.String(), "verify "+filepath.Join(dir, "overlays/dev")+": FAILED, rolled back (1 file): kustomize build")
	assert.Contains(t, stderr.String(), "not found in corresponding resource")
	assert.Contains(t, stderr.String(), "verify "+filepath.Join(dir, "base")+": rolled back with a root that shares its files (1 file)")
	for _, f := range []string{"base/deployment.yaml", "base/kustomization.yaml", "overlays/dev/kustomization.yaml"} {
		want, err := os.ReadFile(filepath.Join(src, f))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%s is as it was", f)
	}
	_, err := build(t, bin, filepath.Join(dir, "overlays/dev"))
	assert.NoError(t, err, "the overlay builds again")
}

// corpusDir holds real manifests from public repositories, beside the project.
const corpusDir = "../../../shared/corpus"

// TestCorpusRoots runs apply --verify-kustomize on every kustomization root of the corpus
// and checks the commutation independently. The corpus keeps only some files of each
// repository, so the copy is pruned first: entries of resources, components, patches,
// configurations and generator files that do not exist are dropped from the copy's
// kustomizations, so that every root builds.
func TestCorpusRoots(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not found at %s: %v", corpusDir, err)
	}
	bin := kustomizeBin(t)
	repos := map[string]bool{}
	for _, r := range roots(t, corpusDir) {
		repos[strings.Split(r, string(filepath.Separator))[0]] = true
	}
	require.NotEmpty(t, repos)
	for repo := range repos {
		t.Run(repo, func(t *testing.T) {
			dir := copyTree(t, filepath.Join(corpusDir, repo))
			for _, r := range roots(t, dir) {
				pruneMissing(t, filepath.Join(dir, r, "kustomization.yaml"))
			}
			after, stderr := commutes(t, bin, dir, 0)
			for _, r := range roots(t, dir) {
				require.Contains(t, stderr, "verify "+filepath.Join(dir, r)+": kustomize build commutes with the migration")
				t.Logf("%s/%s: commutes (%d objects)", repo, r, len(after[r]))
			}
		})
	}
}

// pruneMissing drops from a kustomization the entries that name files or folders that do
// not exist.
func pruneMissing(t *testing.T, file string) {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var k map[string]any
	require.NoError(t, yaml.Unmarshal(data, &k))
	dir := filepath.Dir(file)
	exists := func(p string) bool { _, err := os.Stat(filepath.Join(dir, p)); return err == nil }
	keep := func(list any, ok func(any) bool) []any {
		var out []any
		items, _ := list.([]any)
		for _, e := range items {
			if ok(e) {
				out = append(out, e)
			}
		}
		return out
	}
	for _, key := range []string{"resources", "components", "configurations"} {
		if _, ok := k[key]; ok {
			k[key] = keep(k[key], func(e any) bool { return exists(str(e)) })
		}
	}
	if _, ok := k["patches"]; ok {
		k["patches"] = keep(k["patches"], func(e any) bool {
			p, _ := e.(map[string]any)
			return p["path"] == nil || exists(str(p["path"]))
		})
	}
	gens, _ := k["configMapGenerator"].([]any)
	for _, g := range gens {
		gm := g.(map[string]any)
		for _, key := range []string{"envs", "files"} {
			if _, ok := gm[key]; ok {
				gm[key] = keep(gm[key], func(e any) bool { return exists(str(e)) })
			}
		}
	}
	out, err := yaml.Marshal(k)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, out, 0o644))
}
