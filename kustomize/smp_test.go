package kustomize

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/sidecar-migrate/sidecar-migrate/internal/gentree/gen"
	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kyamlMerge is the merge with kyaml alone: the oracle of fastMerge.
func kyamlMerge(obj, patch *yaml.Node) (*yaml.Node, error) {
	if obj.Kind == yaml.MappingNode && patch.Kind == yaml.MappingNode && !hasDirective(patch) {
		dest := yaml.CopyYNode(obj)
		fields := prune(dest, patch, nil, nil)
		n, err := strategicMerge(obj, dest, patch)
		if err != nil || graft(n, fields) {
			return n, err
		}
	}
	return strategicMerge(obj, yaml.CopyYNode(obj), patch)
}

// handled reports whether fastMerge takes the merge of patch into obj.
func handled(obj, patch *yaml.Node) bool {
	if obj.Kind != yaml.MappingNode || patch.Kind != yaml.MappingNode || hasDirective(patch) {
		return false
	}
	dest := yaml.CopyYNode(obj)
	prune(dest, patch, nil, nil)
	return fastMerge(dest, yaml.CopyYNode(patch))
}

// sameNode returns where a and b differ in anything kyaml's merge sets (kind, tag, value,
// style, anchor, comments, order), or "".
func sameNode(a, b *yaml.Node, at string) string {
	switch {
	case a == nil || b == nil:
		if a != b {
			return at + ": one is missing"
		}
		return ""
	case a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || a.Style != b.Style || a.Anchor != b.Anchor:
		return fmt.Sprintf("%s: %v %q %q %v %q against %v %q %q %v %q", at, a.Kind, a.Tag, a.Value, a.Style, a.Anchor, b.Kind, b.Tag, b.Value, b.Style, b.Anchor)
	case a.HeadComment != b.HeadComment || a.LineComment != b.LineComment || a.FootComment != b.FootComment:
		return fmt.Sprintf("%s: comments %q %q %q against %q %q %q", at, a.HeadComment, a.LineComment, a.FootComment, b.HeadComment, b.LineComment, b.FootComment)
	case len(a.Content) != len(b.Content):
		return fmt.Sprintf("%s: %d nodes against %d", at, len(a.Content), len(b.Content))
	}
	for i := range a.Content {
		if d := sameNode(a.Content[i], b.Content[i], at+"/"+strconv.Itoa(i)); d != "" {
			return d
		}
	}
	return ""
}

// mergeOracle makes every merge of the plan also with kyaml and fails the test where they
// differ; it returns the count of merges and of those fastMerge took.
func mergeOracle(t *testing.T) (merges, fast *int) {
	merges, fast = new(int), new(int)
	var mu sync.Mutex // the plan merges from several workers
	observeMerge = func(obj, patch, got *yaml.Node, err error) {
		mu.Lock()
		defer mu.Unlock()
		*merges++
		if handled(obj, patch) {
			*fast++
		}
		want, werr := kyamlMerge(obj, patch)
		if (err == nil) != (werr == nil) {
			t.Errorf("merge error %v, kyaml's %v", err, werr)
			return
		}
		if err == nil {
			if d := sameNode(got, want, ""); d != "" {
				t.Errorf("merge differs from kyaml's at %s\nobject:\n%s\npatch:\n%s", d, dump(obj), dump(patch))
			}
		}
	}
	t.Cleanup(func() { observeMerge = nil })
	return merges, fast
}

func dump(n *yaml.Node) string {
	s, err := yaml.NewRNode(n).String()
	if err != nil {
		return err.Error()
	}
	return s
}

// TestFastMergeMatchesKyaml decides every repository of the tests (testdata/repos, the
// repositories of the kustomize testscripts, a generated tree, the corpus) with every
// strategic merge made again by kyaml, and requires the same results.
func TestFastMergeMatchesKyaml(t *testing.T) {
	merges, fast := mergeOracle(t)
	var dirs []string
	repos, err := filepath.Glob("../testdata/repos/*")
	require.NoError(t, err)
	dirs = append(dirs, repos...)
	scripts, err := filepath.Glob("../cmd/sidecar-migrate/testdata/script/*.txtar")
	require.NoError(t, err)
	for _, s := range scripts {
		ar, err := txtar.ParseFile(s)
		require.NoError(t, err)
		dir := t.TempDir()
		for _, f := range ar.Files {
			p := filepath.Join(dir, f.Name)
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, f.Data, 0o644))
		}
		dirs = append(dirs, dir)
	}
	generated := t.TempDir()
	_, err = gen.KustomizeTree(generated, 300, 7)
	require.NoError(t, err)
	dirs = append(dirs, generated)
	if _, err := os.Stat("../../shared/corpus"); err == nil {
		dirs = append(dirs, "../../shared/corpus")
	}
	for _, dir := range dirs {
		NewPlan([]string{dir}, kio.Filter{}, migrate.Options{}) // errors are the repositories' own
	}
	t.Logf("%d merges, %d by fastMerge", *merges, *fast)
	require.NotZero(t, *merges)
	assert.Greater(t, *fast*10, *merges*8, "fastMerge takes most merges")
}

// TestFastMergeRandom merges generated patches into generated workloads by both merges and
// requires the same results: objects and patches of every shape fastMerge takes (containers,
// initContainers and volumes by name, env by name, ports and volumeMounts, lists replaced
// whole, new containers and fields, comments, flow and quoted styles, YAML 1.1 words) and
// some it leaves to kyaml.
func TestFastMergeRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	fast := 0
	const cases = 2000
	for i := range cases {
		typ := mergeTypeNames[rng.Intn(len(mergeTypeNames))]
		objText, patchText := randomWorkload(rng, typ, false), randomWorkload(rng, typ, true)
		obj, err := parseSingle([]byte(objText))
		require.NoError(t, err, objText)
		patch, err := parseSingle([]byte(patchText))
		require.NoError(t, err, patchText)
		if handled(obj, patch) {
			fast++
		}
		got, err := smpMerge(obj, patch)
		want, werr := kyamlMerge(obj, patch)
		if (err == nil) != (werr == nil) {
			t.Fatalf("case %d: merge error %v, kyaml's %v\nobject:\n%s\npatch:\n%s", i, err, werr, objText, patchText)
		}
		if err != nil {
			continue
		}
		if d := sameNode(got, want, ""); d != "" {
			t.Fatalf("case %d: merge differs from kyaml's at %s\nobject:\n%s\npatch:\n%s\ngot:\n%s\nwant:\n%s", i, d, objText, patchText, dump(got), dump(want))
		}
	}
	t.Logf("%d cases, %d by fastMerge", cases, fast)
	assert.Greater(t, fast, cases*6/10)
}

var mergeTypeNames = []string{"apps/v1 Deployment", "apps/v1 StatefulSet", "batch/v1 Job", "batch/v1 CronJob", "v1 Pod", "example.com/v1 Rollout"}

// randomWorkload writes a workload of type typ, or a patch of one (fewer fields, some new).
func randomWorkload(rng *rand.Rand, typ string, patch bool) string {
	var b strings.Builder
	apiVersion, kind, _ := strings.Cut(typ, " ")
	fmt.Fprintf(&b, "apiVersion: %s\nkind: %s\nmetadata:\n  name: web\n", apiVersion, kind)
	if rng.Intn(3) == 0 {
		fmt.Fprintf(&b, "  labels: {app: web, tier: %s}\n", choose(rng, scalars))
	}
	if rng.Intn(4) == 0 {
		fmt.Fprintf(&b, "  annotations:\n    note: %s\n", choose(rng, scalars))
	}
	indent := "  "
	b.WriteString("spec:\n")
	switch kind {
	case "Pod":
	case "CronJob":
		b.WriteString("  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n")
		indent = "          "
	default:
		if rng.Intn(2) == 0 {
			fmt.Fprintf(&b, "  replicas: %d\n", rng.Intn(4))
		}
		b.WriteString("  template:\n")
		if rng.Intn(3) == 0 {
			b.WriteString("    metadata:\n      labels: {app: web}\n")
		}
		b.WriteString("    spec:\n")
		indent = "      "
	}
	if rng.Intn(5) == 0 {
		fmt.Fprintf(&b, "%srestartPolicy: %s\n", indent, choose(rng, []string{"Never", "Always", "OnFailure"}))
	}
	for _, list := range []string{"initContainers", "containers"} {
		if (list == "initContainers" && rng.Intn(3) != 0) || (patch && rng.Intn(4) == 0) {
			continue
		}
		writeContainers(&b, rng, indent, list, patch)
	}
	if rng.Intn(3) == 0 {
		fmt.Fprintf(&b, "%svolumes:\n", indent)
		for _, v := range rng.Perm(3)[:1+rng.Intn(2)] {
			fmt.Fprintf(&b, "%s- name: vol-%d\n%s  emptyDir: {}\n", indent, v, indent)
		}
	}
	if rng.Intn(30) == 0 {
		fmt.Fprintf(&b, "%sserviceAccountName: %s\n", indent, choose(rng, []string{"null", "~", "", "&a x"}))
	}
	if rng.Intn(6) == 0 {
		fmt.Fprintf(&b, "%stolerations:\n%s- {key: k%d, operator: Exists}\n", indent, indent, rng.Intn(3))
	}
	return b.String()
}

var scalars = []string{"web", "yes", "on", "no", "y", "true", "\"on\"", "'yes'", "1", "1.5", "0x1F", "1:20", "v1.2", "a-b_c", ".inf", "2001-12-14", "~x", "\"\"", "text with spaces", "Off"}

func choose(rng *rand.Rand, list []string) string { return list[rng.Intn(len(list))] }

// writeContainers writes a list of containers: in a patch, some of the object's (by name)
// with a few fields, and sometimes a new one.
func writeContainers(b *strings.Builder, rng *rand.Rand, indent, list string, patch bool) {
	if rng.Intn(8) == 0 {
		fmt.Fprintf(b, "%s%s: []\n", indent, list)
		return
	}
	if rng.Intn(6) == 0 {
		fmt.Fprintf(b, "%s# the %s\n", indent, list)
	}
	fmt.Fprintf(b, "%s%s:\n", indent, list)
	names := []string{"app", "proxy", "log", "new"}
	n := 1 + rng.Intn(3)
	if patch {
		n = 1 + rng.Intn(2)
	}
	for _, c := range rng.Perm(len(names))[:n] {
		if !patch && names[c] == "new" {
			continue
		}
		p := indent + "  "
		if rng.Intn(5) == 0 {
			fmt.Fprintf(b, "%s# %s container\n", indent, names[c])
		}
		fmt.Fprintf(b, "%s- name: %s\n", indent, names[c])
		if !patch || rng.Intn(2) == 0 {
			fmt.Fprintf(b, "%simage: %s\n", p, choose(rng, []string{"example.com/app:1", "\"example.com/app:2\"", "proxy:1 # pinned"}))
		}
		if rng.Intn(3) == 0 {
			fmt.Fprintf(b, "%sargs: [%s, --port=8080]\n", p, choose(rng, scalars))
		}
		if rng.Intn(2) == 0 {
			fmt.Fprintf(b, "%senv:\n", p)
			for _, e := range rng.Perm(4)[:1+rng.Intn(3)] {
				if rng.Intn(2) == 0 {
					fmt.Fprintf(b, "%s- {name: E%d, value: %s}\n", p, e, choose(rng, scalars))
				} else {
					fmt.Fprintf(b, "%s- name: E%d\n%s  value: %s\n", p, e, p, choose(rng, scalars))
				}
			}
		}
		if (!patch && rng.Intn(3) == 0) || rng.Intn(12) == 0 {
			fmt.Fprintf(b, "%sports:\n", p)
			proto := rng.Intn(3)
			for _, port := range rng.Perm(3)[:1+rng.Intn(2)] {
				fmt.Fprintf(b, "%s- containerPort: %d\n", p, 8080+port)
				if proto == 0 || (proto == 1 && port == 0) {
					fmt.Fprintf(b, "%s  protocol: TCP\n", p)
				}
			}
		}
		if rng.Intn(3) == 0 {
			fmt.Fprintf(b, "%svolumeMounts:\n%s- {name: vol-%d, mountPath: /m/%d}\n", p, p, rng.Intn(3), rng.Intn(3))
		}
		if rng.Intn(3) == 0 {
			fmt.Fprintf(b, "%sresources:\n%s  requests: {cpu: %s}\n", p, p, choose(rng, []string{"100m", "1", "\"2\""}))
		}
		if rng.Intn(6) == 0 {
			fmt.Fprintf(b, "%sreadinessProbe:\n%s  exec:\n%s    command: [cat, /ready]\n", p, p, p)
		}
		if rng.Intn(8) == 0 {
			fmt.Fprintf(b, "%ssecurityContext: {}\n", p)
		}
	}
}

// TestMergeSchemaMatchesKyaml requires mergeTypes to list exactly the associative lists of
// kyaml's schema for each type, with their keys.
func TestMergeSchemaMatchesKyaml(t *testing.T) {
	for typ, mt := range mergeTypes {
		i := strings.LastIndex(typ, "/")
		s := openapi.SchemaForResourceType(yaml.TypeMeta{APIVersion: typ[:i], Kind: typ[i+1:]})
		require.NotNil(t, s, typ)
		var got []string
		schemaLists(t, s, "", 0, &got)
		want := mt.lists()
		sort.Strings(got)
		sort.Strings(want)
		assert.Equal(t, want, got, typ)
	}
}

// schemaLists collects the associative lists under a schema as "path keys".
func schemaLists(t *testing.T, rs *openapi.ResourceSchema, path string, depth int, out *[]string) {
	require.Less(t, depth, 30, "the schema is deeper than expected at %s", path)
	names := make([]string, 0, len(rs.Schema.Properties))
	for k := range rs.Schema.Properties {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		f := rs.Field(k)
		if f == nil {
			continue
		}
		p := strings.TrimPrefix(path+"."+k, ".")
		if len(f.Schema.Type) != 1 || f.Schema.Type[0] != "array" {
			schemaLists(t, f, p, depth+1, out)
			continue
		}
		if strategy, keys := f.PatchStrategyAndKeyList(); strings.Contains(strategy, "merge") {
			*out = append(*out, strings.TrimSpace(p+" "+strings.Join(keys, ",")))
		}
		if e := f.Elements(); e != nil {
			schemaLists(t, e, p+"[]", depth+1, out)
		}
	}
}

// TestYAML11NonString requires the shortcut of yaml11NonString to agree with kyaml's check.
func TestYAML11NonString(t *testing.T) {
	values := append([]string{"y", "Y", "yes", "Yes", "YES", "yEs", "n", "no", "on", "On", "off", "OFF", "true", "False", "null", "Null", "NULL",
		"nil", "web", "a-b", "a.b", "a/b", "a_b", "e1", "E5", "x1", "inf", "Infinity", "nan", "NaN", "a:b", "a b", "t", "f", "T", "F", "o", "k8s.io/app"}, scalars...)
	for _, v := range values {
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: v}
		assert.Equal(t, yaml.IsYaml1_1NonString(n), yaml11NonString(n), v)
	}
}
