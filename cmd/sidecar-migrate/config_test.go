package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const exampleConfig = "../../testdata/examples/sidecar-migrate.yaml"

// runCmd runs a command line in-process and returns its exit status and stderr.
func runCmd(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return code, stderr.String()
}

// TestKubeVersionRefused: a target that cannot run native sidecars is bad usage (exit 2,
// nothing printed but the reason), whether it comes from the flag or the config file; the
// flag wins over the file.
func TestKubeVersionRefused(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.yaml")
	require.NoError(t, os.WriteFile(old, []byte("kubeVersion: \"1.27\"\n"), 0o644))
	gate := filepath.Join(dir, "gate.yaml")
	require.NoError(t, os.WriteFile(gate, []byte("kubeVersion: \"1.28\"\nallowFeatureGate: true\n"), 0o644))
	examples := "../../testdata/examples/report-job.yaml"
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--kube-version", "1.27"}, exitFailed, "a Kubernetes 1.27 cluster cannot run native sidecars"},
		{[]string{"--kube-version", "1.28"}, exitFailed, "--allow-feature-gate"},
		{[]string{"--kube-version", "1.28", "--allow-feature-gate"}, exitOK, ""},
		{[]string{"--kube-version", "v1.31.2"}, exitOK, ""},
		{[]string{"--kube-version", "1.x"}, exitFailed, `kube version "1.x": want X.Y`},
		{[]string{"--config", old}, exitFailed, "a Kubernetes 1.27 cluster cannot run native sidecars"},
		{[]string{"--config", old, "--kube-version", "1.33"}, exitOK, ""},
		{[]string{"--config", gate}, exitOK, ""},
	} {
		for _, command := range []string{"diff", "report"} {
			code, stderr := runCmd(t, append(append([]string{command}, tc.args...), examples)...)
			assert.Equal(t, tc.code, code, "%s %v: %s", command, tc.args, stderr)
			if tc.msg != "" {
				assert.Contains(t, stderr, tc.msg, "%s %v", command, tc.args)
			}
		}
	}
}

// TestConfigUnknownKeys: an unknown key in the options file is an error that names it.
func TestConfigUnknownKeys(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "cfg.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("placment: before-init\nsidecars:\n  imgs: [x]\n"), 0o644))
	code, stderr := runCmd(t, "report", "--config", cfg, "../../testdata/examples")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "cfg.yaml: unknown field placment (did you mean placement?), imgs (did you mean images?)")
}

// TestExampleConfig: the example options file parses, sets every option (so it stays a full
// example), and runs over the examples.
func TestExampleConfig(t *testing.T) {
	data, err := os.ReadFile(exampleConfig)
	require.NoError(t, err)
	_, err = migrate.ParseOptions(data)
	require.NoError(t, err)
	var set map[string]any
	require.NoError(t, yaml.Unmarshal(data, &set))
	for _, key := range optionKeys(reflect.TypeOf(migrate.Options{}), "") {
		m := set
		parent, child, nested := strings.Cut(key, ".")
		if nested {
			m, _ = set[parent].(map[string]any)
			key = child
		}
		assert.Contains(t, m, key, "%s does not show %s", exampleConfig, key)
	}
	code, stderr := runCmd(t, "report", "--config", exampleConfig, "../../testdata/examples")
	assert.Equal(t, exitOK, code, stderr)
}

// TestReadmeConfigTable: the README's table of the options file names every option, and
// only those.
func TestReadmeConfigTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	text := string(readme)
	i := strings.Index(text, "### Options file")
	require.True(t, i >= 0, "the README needs an Options file section")
	section := text[i:]
	if j := strings.Index(section[1:], "\n#"); j >= 0 {
		section = section[:j+1]
	}
	var documented []string
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		first := strings.Split(line, "|")[1]
		for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(first, -1) {
			documented = append(documented, m[1])
		}
	}
	keys := optionKeys(reflect.TypeOf(migrate.Options{}), "")
	sort.Strings(keys)
	sort.Strings(documented)
	assert.Equal(t, keys, documented)
}

// optionKeys returns the YAML keys of the options, nested ones as "parent.child".
func optionKeys(t reflect.Type, prefix string) []string {
	var keys []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue // set by code, not by configuration
		}
		if f.Type.Kind() == reflect.Struct {
			keys = append(keys, optionKeys(f.Type, prefix+name+".")...)
			continue
		}
		keys = append(keys, prefix+name)
	}
	return keys
}

// TestReadmeConfigExample keeps the README's full example equal to the example options file;
// -update rewrites it.
func TestReadmeConfigExample(t *testing.T) {
	const path, begin, end = "../../README.md", "<!-- config:", "<!-- /config -->"
	readme, err := os.ReadFile(path)
	require.NoError(t, err)
	example, err := os.ReadFile(exampleConfig)
	require.NoError(t, err)
	text := string(readme)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	require.True(t, i >= 0 && j > i, "the README needs the %s ... %s markers", begin, end)
	i += strings.Index(text[i:], "\n") + 1
	block := "```yaml\n" + string(example) + "```\n"
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(text[:i]+block+text[j:]), 0o644))
		return
	}
	if text[i:j] != block {
		t.Fatal("the README's example options file is stale: go test ./cmd/sidecar-migrate -run TestReadmeConfigExample -update")
	}
}
