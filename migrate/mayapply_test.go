package migrate

import (
	"bytes"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const crd = `---
# Generated.
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
spec:
  versions:
  - schema:
      openAPIV3Schema:
        properties:
          containers:
            description: containers of the pod; see containerPolicies and configMap
`

func TestMayApply(t *testing.T) {
	for _, tc := range []struct {
		doc        string
		apply, ref bool
	}{
		{"kind: Deployment\nspec:\n  template:\n    spec:\n      containers: []\n", true, false},
		{"kind: ConfigMap\ndata:\n  a: b\n", false, false},
		{"kind: HorizontalPodAutoscaler\nspec:\n  metrics:\n  - type: ContainerResource\n    containerResource: {container: app}\n", false, true},
		{"kind: VerticalPodAutoscaler\nspec:\n  resourcePolicy:\n    containerPolicies: [{containerName: app}]\n", false, true},
		// A definition's schema names containers and containerPolicies, but it holds no pod.
		{crd, false, false},
		{"# Source: chart/crds.yaml\n---\nkind: CustomResourceDefinition\napiVersion: apiextensions.k8s.io/v1beta1\nspec: {containers: x}\n", false, false},
		// Not told by the first two lines: parsed, as any document.
		{"apiVersion: apiextensions.k8s.io/v1\nmetadata: {name: x}\nkind: CustomResourceDefinition\ncontainers: x\n", true, false},
		{"apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    note: |\n      apiVersion: apiextensions.k8s.io/v1\n      kind: CustomResourceDefinition\nspec:\n  containers: []\n", true, false},
		{"  apiVersion: apiextensions.k8s.io/v1\n  kind: CustomResourceDefinition\n  containers: x\n", true, false},
		{"{\"apiVersion\": \"apiextensions.k8s.io/v1\", \"kind\": \"CustomResourceDefinition\", \"containers\": 1}\n", true, false},
	} {
		doc := []byte(tc.doc)
		if got := MayApply(doc); got != tc.apply {
			t.Errorf("MayApply(%q) = %v", tc.doc, got)
		}
		if got := MayNameContainers(doc); got != tc.ref {
			t.Errorf("MayNameContainers(%q) = %v", tc.doc, got)
		}
		if (tc.apply || tc.ref) && !bytes.Contains(doc, []byte(PrefilterWord)) {
			t.Errorf("%q is accepted but lacks PrefilterWord", tc.doc)
		}
	}
}

// FuzzIsDefinition checks IsDefinition against the parser: a document it accepts that
// parses is a mapping whose apiVersion and kind (as first set) are a definition's.
func FuzzIsDefinition(f *testing.F) {
	f.Add(crd)
	f.Add("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n")
	f.Add("kind: CustomResourceDefinition\napiVersion: apiextensions.k8s.io/v1\nkind: Pod\n")
	f.Add("a: \"x\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n\"\n")
	f.Fuzz(func(t *testing.T, doc string) {
		if !IsDefinition([]byte(doc)) {
			return
		}
		var n yaml.Node
		if err := yaml.NewDecoder(strings.NewReader(doc)).Decode(&n); err != nil || len(n.Content) == 0 {
			return // not YAML: nothing is read from it either way
		}
		root := n.Content[0]
		if root.Kind != yaml.MappingNode {
			t.Fatalf("accepted a %v root", root.Kind)
		}
		first := map[string]string{}
		for i := 0; i+1 < len(root.Content); i += 2 {
			if _, seen := first[root.Content[i].Value]; !seen {
				first[root.Content[i].Value] = root.Content[i+1].Value
			}
		}
		if first["kind"] != "CustomResourceDefinition" || !strings.HasPrefix(first["apiVersion"], "apiextensions.k8s.io/") {
			t.Fatalf("accepted kind %q, apiVersion %q", first["kind"], first["apiVersion"])
		}
	})
}
