package main

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestVersionOf checks where the version comes from: the release stamp, else the module
// version of go install ...@vX, else the VCS revision with its dirty flag.
func TestVersionOf(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "true"}}
	for _, c := range []struct {
		name, stampV, stampC string
		info                 *debug.BuildInfo
		v, c                 string
	}{
		{"stamped", "v0.1.0", "abc123", &debug.BuildInfo{GoVersion: "go1.26", Main: debug.Module{Version: "(devel)"}}, "v0.1.0", "abc123"},
		{"go install @v0.1.0", "", "", &debug.BuildInfo{GoVersion: "go1.26", Main: debug.Module{Version: "v0.1.0"}}, "v0.1.0", "unknown"},
		{"go build in a dirty tree", "", "", &debug.BuildInfo{GoVersion: "go1.26", Main: debug.Module{Version: "(devel)"}, Settings: vcs}, "devel", "abc123-dirty"},
		{"no build information", "", "", nil, "devel", "unknown"},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, commit, _ := versionOf(c.stampV, c.stampC, c.info)
			require.Equal(t, c.v, v)
			require.Equal(t, c.c, commit)
		})
	}
}
