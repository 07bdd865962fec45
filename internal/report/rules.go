package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// Rules writes the catalogue as an aligned table: id, confidence, what it matches, summary.
func Rules(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tCONFIDENCE\tMATCHES\tSUMMARY")
	for _, r := range migrate.Rules() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, Confidence(r), r.Matches, r.Summary)
	}
	return tw.Flush()
}

// RulesMarkdown writes the catalogue as the README's Markdown table.
func RulesMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| rule | confidence | matches | meaning | source |\n|---|---|---|---|---|\n")
	for _, r := range migrate.Rules() {
		source := ""
		if r.Source != "" {
			source = "[docs](" + r.Source + ")"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.ID, Confidence(r), strings.ReplaceAll(r.Matches, "|", "\\|"), r.Summary, source)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Confidence names a rule's confidence, or "check" for a rule that is not evidence.
func Confidence(r migrate.Rule) string {
	if !r.Evidence {
		return "check"
	}
	return r.Confidence.String()
}
