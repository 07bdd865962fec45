package kustomize

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func node(t *testing.T, text string) *yaml.Node {
	t.Helper()
	n, err := parseSingle([]byte(text))
	require.NoError(t, err)
	return n
}

func TestApplyOp(t *testing.T) {
	const doc = `{spec: {containers: [{name: a, args: [x]}, {name: b}], "a/b": 1}}`
	for _, c := range []struct {
		name string
		op   jsonOp
		want string // "" when the operation must fail
	}{
		{"add at index", jsonOp{Op: "add", Path: "/spec/containers/1", Value: node(t, "{name: c}")},
			`{spec: {containers: [{name: a, args: [x]}, {name: c}, {name: b}], "a/b": 1}}`},
		{"append", jsonOp{Op: "add", Path: "/spec/containers/0/args/-", Value: node(t, "y")},
			`{spec: {containers: [{name: a, args: [x, y]}, {name: b}], "a/b": 1}}`},
		{"add at the end index", jsonOp{Op: "add", Path: "/spec/containers/2", Value: node(t, "{name: c}")},
			`{spec: {containers: [{name: a, args: [x]}, {name: b}, {name: c}], "a/b": 1}}`},
		{"add past the end", jsonOp{Op: "add", Path: "/spec/containers/3", Value: node(t, "{name: c}")}, ""},
		{"add a key", jsonOp{Op: "add", Path: "/spec/containers/1/image", Value: node(t, "b:1")},
			`{spec: {containers: [{name: a, args: [x]}, {name: b, image: "b:1"}], "a/b": 1}}`},
		{"add under a missing parent", jsonOp{Op: "add", Path: "/spec/containers/1/env/-", Value: node(t, "{name: E}")}, ""},
		{"replace", jsonOp{Op: "replace", Path: "/spec/containers/0/args/0", Value: node(t, "z")},
			`{spec: {containers: [{name: a, args: [z]}, {name: b}], "a/b": 1}}`},
		{"replace a missing key", jsonOp{Op: "replace", Path: "/spec/containers/1/args", Value: node(t, "[z]")}, ""},
		{"remove", jsonOp{Op: "remove", Path: "/spec/containers/0"},
			`{spec: {containers: [{name: b}], "a/b": 1}}`},
		{"remove a missing index", jsonOp{Op: "remove", Path: "/spec/containers/2"}, ""},
		{"escaped key", jsonOp{Op: "replace", Path: "/spec/a~1b", Value: node(t, "2")},
			`{spec: {containers: [{name: a, args: [x]}, {name: b}], "a/b": 2}}`},
		{"move", jsonOp{Op: "move", From: "/spec/containers/0", Path: "/spec/containers/-"},
			`{spec: {containers: [{name: b}, {name: a, args: [x]}], "a/b": 1}}`},
		{"copy", jsonOp{Op: "copy", From: "/spec/containers/1/name", Path: "/spec/containers/0/name"},
			`{spec: {containers: [{name: b, args: [x]}, {name: b}], "a/b": 1}}`},
		{"test passes", jsonOp{Op: "test", Path: "/spec/containers/1", Value: node(t, "{name: b}")},
			doc},
		{"test fails", jsonOp{Op: "test", Path: "/spec/containers/1/name", Value: node(t, "a")}, ""},
		{"unknown", jsonOp{Op: "merge", Path: "/spec"}, ""},
		{"relative pointer", jsonOp{Op: "remove", Path: "spec"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := node(t, doc)
			err := applyOp(n, c.op)
			if c.want == "" {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Empty(t, difference(n, node(t, c.want)), "got %s", yaml.NewRNode(n).MustString())
		})
	}
}

func TestMatchSelector(t *testing.T) {
	labels := map[string]string{"tier": "backend", "app": "api"}
	for expr, want := range map[string]bool{
		"tier=backend":                true,
		"tier==backend":               true,
		"tier!=backend":               false,
		"tier=backend,app=web":        false,
		"tier in (frontend, backend)": true,
		"tier notin (backend)":        false,
		"app":                         true,
		"!app":                        false,
		"!team":                       true,
		"team":                        false,
		"tier in (a,b),app=api":       false,
	} {
		got, err := matchSelector(expr, labels)
		require.NoError(t, err, expr)
		assert.Equal(t, want, got, expr)
	}
	_, err := matchSelector("tier in backend", labels)
	assert.Error(t, err)
}

func TestRewriteImage(t *testing.T) {
	images := []image{
		{Name: "ghcr.io/example/shop", NewTag: "1.8.1"},
		{Name: "registry:5000/proxy", NewName: "mirror.example.com/proxy"},
		{Name: "nginx", Digest: "sha256:abc"},
	}
	for in, want := range map[string]string{
		"ghcr.io/example/shop:1.8.0":          "ghcr.io/example/shop:1.8.1",
		"ghcr.io/example/shop":                "ghcr.io/example/shop:1.8.1",
		"ghcr.io/example/shop-admin:1":        "ghcr.io/example/shop-admin:1",
		"registry:5000/proxy:2@sha256:def":    "mirror.example.com/proxy:2@sha256:def",
		"nginx:1.27":                          "nginx@sha256:abc",
		"docker.io/library/nginx:1.27-alpine": "docker.io/library/nginx:1.27-alpine",
	} {
		assert.Equal(t, want, rewriteImage(in, images), in)
	}
}

func TestDifference(t *testing.T) {
	a := node(t, "{b: 1, a: [x, {n: 1}], c: null}")
	assert.Empty(t, difference(a, node(t, "{a: [x, {n: 1}], b: 1, c: ~}")), "key order and null spelling do not count")
	assert.Equal(t, "a[1].n", difference(a, node(t, "{a: [x, {n: 2}], b: 1, c: null}")))
	assert.Equal(t, "b", difference(a, node(t, `{a: [x, {n: 1}], b: "1", c: null}`)), "a string is not an int")
	assert.Equal(t, "d", difference(a, node(t, "{a: [x, {n: 1}], b: 1, c: null, d: 0}")))
	assert.Equal(t, "a", difference(a, node(t, "{a: [x], b: 1, c: null}")))
}

func TestSelectorMatches(t *testing.T) {
	in := &instance{w: &Workload{}, names: []string{"shop", "prod-shop"}, namespaces: []string{"", "prod"}}
	in.w.Resource.APIVersion, in.w.Resource.Kind = "apps/v1", "Deployment"
	for _, c := range []struct {
		s    selector
		want bool
	}{
		{selector{Kind: "Deployment", Name: "shop"}, true},
		{selector{Kind: "Deployment", Name: "prod-shop"}, true},
		{selector{Kind: "Deployment", Name: "sho"}, false},
		{selector{Kind: "Deployment", Name: "s.*"}, true},
		{selector{Kind: "StatefulSet"}, false},
		{selector{Group: "apps", Version: "v1"}, true},
		{selector{Group: "batch"}, false},
		{selector{Namespace: "default"}, true},
		{selector{Namespace: "prod"}, true},
		{selector{Namespace: "staging"}, false},
	} {
		assert.Equal(t, c.want, c.s.matches(in), "%+v", c.s)
	}
}

// A kustomization that is not a mapping is an error naming the file, its line and what it is.
func TestParseKustomizationNotMapping(t *testing.T) {
	for text, kind := range map[string]string{
		"../base/kustomization.yaml\n": "scalar", // a symbolic link checked out as a file
		"- a.yaml\n- b.yaml\n":         "list",
	} {
		_, err := parseKustomization("k/kustomization.yaml", []byte(text))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "k/kustomization.yaml:1: a kustomization is a mapping of fields, and this one is a "+kind)
	}
	k, err := parseKustomization("k/kustomization.yaml", []byte("resources: [a.yaml]\n"))
	require.NoError(t, err)
	require.Len(t, k.Resources, 1)
	assert.Equal(t, "a.yaml", k.Resources[0].Value)
}
