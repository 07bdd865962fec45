package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// writeText writes the findings grouped by file, aligned, then a summary.
func writeText(w io.Writer, files []fileFindings, sum summary) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, f := range files {
		name := f.path
		if name == "" {
			name = "(whole run)"
		}
		fmt.Fprintln(tw, name)
		for _, x := range f.findings {
			container := x.Container
			if container == "" {
				container = "-"
			}
			fmt.Fprintf(tw, "  %d:%d\t%s\t%s\t%s\t%s\t%s\n", x.Line, x.Column, x.Severity, x.Rule, x.Resource, container, x.Message)
		}
		if f.err != nil {
			fmt.Fprintf(tw, "  \terror\t\t\t\t%v\n", f.err)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	toMigrate, warnings := 0, 0
	for _, f := range files {
		for _, x := range f.findings {
			if x.Fixed {
				toMigrate++
			}
			if x.Severity == migrate.Warning {
				warnings++
			}
		}
	}
	_, err := fmt.Fprintf(w, "\n%d files, %d workloads scanned: %d sidecars to migrate, %d workarounds to remove, %d changes in all, %d warnings, %d errors\n",
		sum.files, sum.stats.Workloads, sum.stats.Sidecars, sum.stats.Workarounds, toMigrate, warnings, sum.failed)
	return err
}
