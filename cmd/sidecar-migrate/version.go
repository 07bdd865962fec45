package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version and commit are set at link time by the Makefile (-ldflags -X); otherwise they
// come from the module's build information.
var version, commit string

func newVersionCmd(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			v, c, goVersion := buildInfo()
			_, err := fmt.Fprintf(s.out, "sidecar-migrate %s\ncommit %s\n%s\n", v, c, goVersion)
			return err
		},
	}
}

// buildInfo returns the version, commit and Go version of the binary.
func buildInfo() (v, c, goVersion string) {
	v, c, goVersion = version, commit, "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		goVersion = info.GoVersion
		if v == "" {
			v = info.Main.Version
		}
		for _, kv := range info.Settings {
			if kv.Key == "vcs.revision" && c == "" {
				c = kv.Value
			}
		}
	}
	if v == "" {
		v = "(devel)"
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
