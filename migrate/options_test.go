package migrate

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCheckKubeVersion pins which targets are refused, which need the feature gate and which
// get the beta note, and the spellings of a version that are accepted.
func TestCheckKubeVersion(t *testing.T) {
	for _, tc := range []struct {
		version     string
		featureGate bool
		beta        bool
		err         string // a part of the error; "" for none
	}{
		{version: "", beta: false},
		{version: "1.33", beta: false},
		{version: "1.35", beta: false},
		{version: "v1.34.1", beta: false},
		{version: "1.32", beta: true},
		{version: "1.29", beta: true},
		{version: "1.30.4-gke.1200", beta: true},
		{version: "1.28", err: "--allow-feature-gate"},
		{version: "1.28", featureGate: true, beta: true},
		{version: "1.27", featureGate: true, err: "cannot run native sidecars"},
		{version: "1.9", err: "cannot run native sidecars"},
		{version: "2.1", err: "want X.Y"},
		{version: "1", err: "want X.Y"},
		{version: "1.x", err: "want X.Y"},
		{version: "1.30.", err: "want X.Y"},
		{version: "1.-3", err: "want X.Y"},
		{version: "latest", err: "want X.Y"},
	} {
		beta, err := CheckKubeVersion(tc.version, tc.featureGate)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, "%q", tc.version)
			continue
		}
		assert.NoError(t, err, "%q", tc.version)
		assert.Equal(t, tc.beta, beta, "%q", tc.version)
	}
}

// TestCheckMesh pins the accepted meshNative entries and the Linkerd key each one writes.
func TestCheckMesh(t *testing.T) {
	for entry, key := range map[string]string{
		"istio":          istioNativeKey,
		"linkerd":        "config.alpha.linkerd.io/proxy-enable-native-sidecar",
		"linkerd@2.15":   "config.alpha.linkerd.io/proxy-enable-native-sidecar",
		"linkerd@2.18.2": "config.alpha.linkerd.io/proxy-enable-native-sidecar",
		"linkerd@2.19":   "config.beta.linkerd.io/proxy-enable-native-sidecar",
		"linkerd@2.20":   "config.linkerd.io/proxy-enable-native-sidecar",
		"linkerd@2.21.0": "config.linkerd.io/proxy-enable-native-sidecar",
	} {
		assert.NoError(t, checkMesh(entry), entry)
		name := "linkerd"
		if entry == "istio" {
			name = "istio"
		}
		on, version := Options{MeshNative: []string{"istio", entry}}.meshNative(name)
		assert.True(t, on, entry)
		assert.Equal(t, key, nativeKey(name, version), entry)
	}
	for entry, msg := range map[string]string{
		"consul":        "want istio or linkerd",
		"istio@1.24":    "istio takes no version",
		"linkerd@2.14":  "from 2.15 on",
		"linkerd@edge":  "want a Linkerd release",
		"linkerd@3.0":   "want a Linkerd release",
		"linkerd@":      "want a Linkerd release",
		"linkerd@2.x.1": "want a Linkerd release",
	} {
		assert.ErrorContains(t, checkMesh(entry), msg, entry)
	}
	on, _ := Options{MeshNative: []string{"istio"}}.meshNative("linkerd")
	assert.False(t, on)
}
