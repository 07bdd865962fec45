package main

import (
	"os"
	"slices"

	"github.com/sidecar-migrate/sidecar-migrate/internal/report"
	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/spf13/cobra"
)

type reportOptions struct {
	*globalOptions
	format      string
	exitCode    bool
	showIgnored bool
}

func newReportCmd(g *globalOptions, s streams) *cobra.Command {
	o := &reportOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "report [PATH...]",
		Short: "Print every finding of a dry run as text, JSON or SARIF",
		Long: `report runs the migration without writing anything and prints its findings on stdout:
text grouped by file with a summary, JSON (one object per finding, schema in the README) or
SARIF 2.1.0 for code-scanning pages.`,
		Example: `  sidecar-migrate report ./deploy
  sidecar-migrate report --format sarif ./deploy > sidecar-migrate.sarif
  sidecar-migrate report --exit-code ./deploy   # exit 1 while something is left to migrate
  sidecar-migrate report --show-ignored ./deploy # also what ignore annotations silenced, with their reasons`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.complete(cmd); err != nil {
				return err
			}
			s, err := checkPaths(cmd, args, s)
			if err != nil {
				return err
			}
			return o.run(args, s)
		},
	}
	cmd.Flags().StringVar(&o.format, "format", "text", "text, json or sarif")
	cmd.Flags().BoolVar(&o.exitCode, "exit-code", false, "exit 1 when changes are pending")
	cmd.Flags().BoolVar(&o.showIgnored, "show-ignored", false, "also list the findings that ignore annotations silenced, with their reasons (they never count)")
	return cmd
}

func (o *reportOptions) run(paths []string, s streams) error {
	if err := report.CheckFormat(o.format); err != nil {
		return &exitError{code: exitFailed, msg: err.Error()}
	}
	var files []report.File
	seen := map[string]int{} // path -> index in files
	collect := func(r kio.FileResult) {
		if o.showIgnored && len(r.Ignored) > 0 {
			r.Findings = append(slices.Clip(r.Findings), r.Ignored...)
			slices.SortStableFunc(r.Findings, func(a, b migrate.Finding) int { return a.Line - b.Line })
		}
		if len(r.Findings) == 0 && r.Err == nil {
			return
		}
		i, ok := seen[r.Path]
		if !ok || r.Path == "" {
			seen[r.Path] = len(files)
			files = append(files, report.File{Path: r.Path, Findings: r.Findings, Err: r.Err})
			return
		}
		// Findings across files (autoscalers) come at the end of the run: they join their
		// file's group, in line order.
		f := &files[i]
		f.Findings = append(slices.Clip(f.Findings), r.Findings...)
		slices.SortStableFunc(f.Findings, func(a, b migrate.Finding) int { return a.Line - b.Line })
	}
	sum, err := o.migrateAll(paths, s, collect, func(kio.FileResult) error { return nil })
	if werr := report.Write(s.out, o.format, files, sum, reportTool()); werr != nil {
		return werr
	}
	if err != nil {
		return err
	}
	if o.exitCode && sum.Changed > 0 {
		return errPending
	}
	return nil
}

// reportTool describes this program and the place of the run to the report writers.
func reportTool() report.Tool {
	root, err := os.Getwd()
	if err != nil {
		root = "."
	} else if r := repoRoot(root); r != "" {
		root = r
	}
	return report.Tool{Version: toolVersion(), Root: root, Stdin: stdinName}
}
