package migrate

import (
	"bytes"
	"testing"
)

func TestMayApply(t *testing.T) {
	for _, tc := range []struct {
		doc        string
		apply, ref bool
	}{
		{"kind: Deployment\nspec:\n  template:\n    spec:\n      containers: []\n", true, false},
		{"kind: ConfigMap\ndata:\n  a: b\n", false, false},
		{"kind: HorizontalPodAutoscaler\nspec:\n  metrics:\n  - type: ContainerResource\n    containerResource: {container: app}\n", false, true},
		{"kind: VerticalPodAutoscaler\nspec:\n  resourcePolicy:\n    containerPolicies: [{containerName: app}]\n", false, true},
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
