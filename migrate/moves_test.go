package migrate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const movesPod = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      initContainers:
      - {name: setup, image: busybox}
      containers:
      - {name: istio-proxy, image: docker.io/istio/proxyv2:1.24.2}
      - {name: web, image: example.com/web:1}
      - {name: log-shipper, image: fluent/fluent-bit:3.2}
`

// TestMoves checks where Result.Moves says each container went, with both placements: the
// app moves up, and before-init shifts the init containers that were there.
func TestMoves(t *testing.T) {
	for _, c := range []struct {
		placement  Placement
		containers []Place
		inits      []Place
	}{
		{AfterInit,
			[]Place{{"istio-proxy", true, 1}, {"web", false, 0}, {"log-shipper", true, 2}},
			[]Place{{"setup", false, 0}}},
		{BeforeInit,
			[]Place{{"istio-proxy", true, 0}, {"web", false, 0}, {"log-shipper", true, 1}},
			[]Place{{"setup", false, 2}}},
	} {
		doc, err := yaml.Parse(movesPod)
		require.NoError(t, err)
		r := Migrate(doc, Options{Placement: c.placement})
		require.Len(t, r.Moves, 1)
		mv := r.Moves[0]
		assert.Equal(t, Resource{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web"}, mv.Resource)
		assert.Equal(t, "spec.template.spec", mv.Field)
		for i := range c.inits {
			c.inits[i].Init = true // init containers stay in initContainers
		}
		assert.Equal(t, c.containers, mv.Containers, c.placement)
		assert.Equal(t, c.inits, mv.InitContainers, c.placement)
		assert.Equal(t, []string{"istio-proxy", "log-shipper"}, mv.Moved())
	}
}

// TestSkip leaves a listed object alone, whatever its evidence, and only that one.
func TestSkip(t *testing.T) {
	doc, err := yaml.Parse(movesPod)
	require.NoError(t, err)
	r := Migrate(doc, Options{Skip: []Resource{{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web"}}})
	assert.Empty(t, r.Moves)
	assert.False(t, r.Changed())
	assert.Equal(t, yaml.MustParse(movesPod).MustString(), doc.MustString(), "the tree is not edited")

	doc, err = yaml.Parse(movesPod)
	require.NoError(t, err)
	r = Migrate(doc, Options{Skip: []Resource{{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "other", Name: "web"}}})
	assert.Len(t, r.Moves, 1, "another namespace's web is not this one")
}

// TestPodSpecs lists the pod specs Migrate looks at, with their field paths.
func TestPodSpecs(t *testing.T) {
	doc, err := yaml.Parse(`apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: report, image: example.com/report:1}]
`)
	require.NoError(t, err)
	specs := PodSpecs(doc.YNode(), Options{})
	require.Len(t, specs, 1)
	assert.Equal(t, "spec.jobTemplate.spec.template.spec", specs[0].Field)
	assert.NotNil(t, lookup(specs[0].Node, "containers"))
	assert.Empty(t, PodSpecs(yaml.MustParse("{apiVersion: v1, kind: Service, metadata: {name: web}}").YNode(), Options{}))
}
