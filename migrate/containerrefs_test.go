package migrate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestContainerRefs: every kind of reference by name is found, with the field that makes it,
// and a container's reference to itself is left out when that container is the one skipped.
func TestContainerRefs(t *testing.T) {
	doc, err := yaml.Parse(`apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  podFailurePolicy:
    rules:
    - {action: Ignore, onExitCodes: {containerName: a, operator: In, values: [1]}}
  template:
    metadata:
      annotations:
        kubectl.kubernetes.io/default-container: b
        kubectl.kubernetes.io/default-logs-container: c
        container.apparmor.security.beta.kubernetes.io/d: runtime/default
        container.seccomp.security.alpha.kubernetes.io/e: runtime/default
    spec:
      containers:
      - name: app
        image: app
        env:
        - name: F_LIMIT
          valueFrom: {resourceFieldRef: {containerName: f, resource: limits.cpu}}
      - name: g
        image: g
        env:
        - name: OWN
          valueFrom: {resourceFieldRef: {containerName: g, resource: limits.cpu}}
      volumes:
      - name: info
        projected:
          sources:
          - downwardAPI:
              items:
              - {path: h, resourceFieldRef: {containerName: h, resource: limits.memory}}
`)
	require.NoError(t, err)
	ts := findPodTemplates(doc.YNode(), "", Options{})
	require.Len(t, ts, 1)
	names := func(skip *yaml.Node) map[string]string {
		out := map[string]string{}
		for _, r := range containerRefs(ts[0], skip) {
			out[r.name] = r.where
		}
		return out
	}
	all := names(nil)
	assert.Equal(t, "the Job's spec.podFailurePolicy.rules[0].onExitCodes.containerName", all["a"])
	assert.Equal(t, "the annotation kubectl.kubernetes.io/default-container", all["b"])
	assert.Equal(t, "the annotation kubectl.kubernetes.io/default-logs-container", all["c"])
	assert.Equal(t, "the annotation container.apparmor.security.beta.kubernetes.io/d", all["d"])
	assert.Equal(t, "the annotation container.seccomp.security.alpha.kubernetes.io/e", all["e"])
	assert.Equal(t, "a resourceFieldRef in container app", all["f"])
	assert.Equal(t, "a resourceFieldRef in container g", all["g"])
	assert.Equal(t, "a resourceFieldRef in the volumes", all["h"])
	assert.Len(t, all, 8)
	g := seqItems(lookup(ts[0].spec, "containers"))[1]
	assert.NotContains(t, names(g), "g", "a container being deleted may name itself")
}
