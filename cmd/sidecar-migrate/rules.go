package main

import (
	"github.com/sidecar-migrate/sidecar-migrate/internal/report"
	"github.com/spf13/cobra"
)

func newRulesCmd(s streams) *cobra.Command {
	markdown := false
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Print the detection catalogue and the checks",
		Example: `  sidecar-migrate rules
  sidecar-migrate rules --markdown > rules.md`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if markdown {
				return report.RulesMarkdown(s.out)
			}
			return report.Rules(s.out)
		},
	}
	cmd.Flags().BoolVar(&markdown, "markdown", false, "print a Markdown table (the README's)")
	return cmd
}
