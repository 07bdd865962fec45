package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/spf13/cobra"
)

func newRulesCmd(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "rules",
		Short: "Print the detection catalogue and the checks",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			w := tabwriter.NewWriter(s.out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "RULE\tCONFIDENCE\tMATCHES\tSUMMARY")
			for _, r := range migrate.Rules() {
				conf := r.Confidence.String()
				if r.Confidence == migrate.Low && !r.Evidence {
					conf = "check"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.ID, conf, r.Matches, r.Summary)
			}
			return w.Flush()
		},
	}
}
