package main

import (
	"os"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/kio/udiff"
	"github.com/spf13/cobra"
)

type diffOptions struct {
	*globalOptions
	exitCode bool
	out      outputOptions
}

func newDiffCmd(g *globalOptions, s streams) *cobra.Command {
	o := &diffOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "diff [PATH...]",
		Short: "Print the migration as a unified diff; write nothing",
		Long: `diff prints, as a git-style unified diff on stdout, every change that apply would make.
Findings go to stderr. PATH is a file or a folder (walked for *.yaml, *.yml and *.json);
"-", or no PATH with piped input, reads standard input.`,
		Example: `  sidecar-migrate diff ./deploy
  sidecar-migrate diff --exit-code ./deploy   # in CI: exit 1 while legacy sidecars remain
  sidecar-migrate diff ./deploy | git apply     # the same as apply
  sidecar-migrate diff -l ./deploy              # only the names of the files that change
  sidecar-migrate diff --format json ./deploy   # a summary for CI bots`,
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
	cmd.Flags().BoolVar(&o.exitCode, "exit-code", false, "exit 1 when changes are pending")
	o.out.addFlags(cmd)
	return cmd
}

func (o *diffOptions) run(paths []string, s streams) error {
	color := useColor(o.color, isTerminal(s.out), os.Getenv("NO_COLOR"))
	if err := o.out.check(); err != nil {
		return err
	}
	sum, err := o.migrateAll(paths, s, o.out.count(o.printFindings(s.err)), func(r kio.FileResult) error {
		if !r.Changed() {
			return nil
		}
		if err := o.out.changed(s.out, r); err != nil || !o.out.plain() {
			return err
		}
		return udiff.Write(s.out, r.Path, r.Before, r.After, color, r.MovedLines...) // r.Diff(), a few hunks at a time
	})
	if werr := o.out.finish(s, "diff", sum, o.quiet); werr != nil {
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

// useColor decides whether to colour the diff: always or never as asked; with auto, only on a
// terminal and only when NO_COLOR (https://no-color.org) is unset or empty.
func useColor(mode string, terminal bool, noColor string) bool {
	return mode == "always" || (mode == "auto" && terminal && noColor == "")
}
