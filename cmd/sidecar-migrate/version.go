package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version and commit are set at link time (-ldflags "-X main.version=v0.1.0 -X
// main.commit=..."), by the Makefile, the Dockerfile and the release configuration, from the
// release tag. A binary built without them (go install ...@v0.1.0, go build) takes them from
// its build information instead.
var version, commit string

func newVersionCmd(s streams) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version, commit and Go version",
		Example: "  sidecar-migrate version\n  sidecar-migrate --version",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprint(s.out, versionText())
			return err
		},
	}
}

// versionText is what `version` and `--version` print.
func versionText() string {
	v, c, goVersion := buildInfo()
	return fmt.Sprintf("sidecar-migrate %s\ncommit %s\n%s\n", v, c, goVersion)
}

// buildInfo returns the version, commit and Go version of the binary. The version is the
// stamped one, else the module version (go install ...@vX), else "devel"; the commit is the
// stamped one, else the VCS revision with "-dirty" when the tree had changes, else "unknown".
func buildInfo() (v, c, goVersion string) {
	info, _ := debug.ReadBuildInfo()
	return versionOf(version, commit, info)
}

// versionOf is buildInfo for the given stamps and build information (nil when the binary has
// none).
func versionOf(stampedVersion, stampedCommit string, info *debug.BuildInfo) (v, c, goVersion string) {
	v, c, goVersion = stampedVersion, stampedCommit, "unknown"
	if info != nil {
		goVersion = info.GoVersion
		if v == "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		settings := map[string]string{}
		for _, kv := range info.Settings {
			settings[kv.Key] = kv.Value
		}
		if c == "" && settings["vcs.revision"] != "" {
			c = settings["vcs.revision"]
			if settings["vcs.modified"] == "true" {
				c += "-dirty"
			}
		}
	}
	if v == "" {
		v = "devel"
	}
	if c == "" {
		c = "unknown"
	}
	return v, c, goVersion
}

// toolVersion is the version reported in SARIF output.
func toolVersion() string {
	v, _, _ := buildInfo()
	return v
}
