package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestReleaseConfig keeps .goreleaser.yaml, which CI cannot run, in step with what CI does
// run: make release-snapshot's platforms and stamps, and the Dockerfile's prebuilt stage.
func TestReleaseConfig(t *testing.T) {
	data, err := os.ReadFile("../../.goreleaser.yaml")
	require.NoError(t, err)
	var cfg struct {
		Version int
		Builds  []struct {
			Main, Binary string
			Env, Flags   []string
			Ldflags      []string
			Goos, Goarch []string
		}
		DockersV2 []struct {
			Dockerfile string
			Platforms  []string
			BuildArgs  map[string]string `yaml:"build_args"`
			Labels     map[string]string
		} `yaml:"dockers_v2"`
	}
	require.NoError(t, yaml.Unmarshal(data, &cfg))
	require.Equal(t, 2, cfg.Version)
	require.Len(t, cfg.Builds, 1)
	b := cfg.Builds[0]
	require.Equal(t, "./cmd/sidecar-migrate", b.Main)
	require.Contains(t, b.Env, "CGO_ENABLED=0")
	require.Contains(t, b.Flags, "-trimpath")
	ld := strings.Join(b.Ldflags, " ")
	require.Contains(t, ld, "-X main.version={{.Tag}}")
	require.Contains(t, ld, "-X main.commit=")

	makefile, err := os.ReadFile("../../Makefile")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^PLATFORMS := (.*)$`).FindSubmatch(makefile)
	require.NotNil(t, m, "the Makefile's PLATFORMS")
	var want []string
	for _, os := range b.Goos {
		for _, arch := range b.Goarch {
			want = append(want, os+"/"+arch)
		}
	}
	have := strings.Fields(string(m[1]))
	slices.Sort(want)
	slices.Sort(have)
	require.Equal(t, want, have, "make release-snapshot builds what a release builds")

	require.Len(t, cfg.DockersV2, 1)
	d := cfg.DockersV2[0]
	require.Equal(t, []string{"linux/amd64", "linux/arm64"}, d.Platforms)
	require.Equal(t, "prebuilt", d.BuildArgs["BINARY"])
	require.Equal(t, "Apache-2.0", d.Labels["org.opencontainers.image.licenses"])
	dockerfile, err := os.ReadFile("../../" + d.Dockerfile)
	require.NoError(t, err)
	require.Regexp(t, `(?m)^FROM scratch AS prebuilt\nARG TARGETPLATFORM\nCOPY \$TARGETPLATFORM/sidecar-migrate `, string(dockerfile))
}
