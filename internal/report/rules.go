package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
)

// Rules writes the catalogue as an aligned table: id, confidence, what it matches, summary.
func Rules(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tCONFIDENCE/KIND\tMATCHES\tSUMMARY")
	for _, r := range rule.All() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.ConfidenceText(), r.Matches, r.Summary)
	}
	return tw.Flush()
}

// RulesMarkdown writes the catalogue as the README's Markdown table.
func RulesMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| rule | confidence or kind | matches | meaning | source |\n|---|---|---|---|---|\n")
	for _, r := range rule.All() {
		source := ""
		if r.Source != "" {
			source = "[docs](" + r.Source + ")"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.ID, r.ConfidenceText(), strings.ReplaceAll(r.Matches, "|", "\\|"), r.Summary, source)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
