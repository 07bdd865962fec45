package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
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
				return printRulesMarkdown(s.out)
			}
			w := tabwriter.NewWriter(s.out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "RULE\tCONFIDENCE\tMATCHES\tSUMMARY")
			for _, r := range migrate.Rules() {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.ID, confidence(r), r.Matches, r.Summary)
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&markdown, "markdown", false, "print a Markdown table (the README's)")
	return cmd
}

// confidence names a rule's confidence, or "check" for a rule that is not evidence.
func confidence(r migrate.Rule) string {
	if !r.Evidence {
		return "check"
	}
	return r.Confidence.String()
}

func printRulesMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| rule | confidence | matches | meaning | source |\n|---|---|---|---|---|\n")
	for _, r := range migrate.Rules() {
		source := ""
		if r.Source != "" {
			source = "[docs](" + r.Source + ")"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.ID, confidence(r), strings.ReplaceAll(r.Matches, "|", "\\|"), r.Summary, source)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
