package report

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// Text writes the findings grouped by file, in columns aligned across the whole report
// (position, severity, rule, resource, container, message), then a summary line.
func Text(w io.Writer, files []File, sum Summary) error {
	groups := make([][][6]string, len(files))
	var width [5]int
	for i, f := range files {
		for _, x := range f.Findings {
			groups[i] = append(groups[i], [6]string{Position(x.Line, x.Column), x.Severity.String(), x.Rule, orDash(x.Resource.String(), x.Resource.Kind), orDash(x.Container, x.Container), ignoredText(x)})
		}
		if f.Err != nil {
			line, col, msg := 0, 0, f.Err.Error()
			var e *kio.Error
			if errors.As(f.Err, &e) {
				line, col, msg = e.Line, e.Column, e.Msg
			}
			groups[i] = append(groups[i], [6]string{Position(line, col), "error", migrate.RuleInputError, "-", "-", msg})
		}
		for _, row := range groups[i] {
			for k := range width {
				width[k] = max(width[k], len(row[k]))
			}
		}
	}
	var b strings.Builder
	for i, f := range files {
		name := f.Path
		if name == "" {
			name = "(all files)"
		}
		b.WriteString(name + "\n")
		for _, row := range groups[i] {
			b.WriteString(" ")
			for k := range width {
				fmt.Fprintf(&b, " %-*s ", width[k], row[k])
			}
			b.WriteString(" " + row[5] + "\n")
		}
	}
	if len(files) > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%s scanned (%d to change), %s: %s to migrate, %s to remove, %s, %s\n",
		Plural(sum.Files, "file"), sum.Changed, Plural(sum.Stats.Workloads, "workload"), Plural(sum.Stats.Sidecars, "sidecar"),
		Plural(sum.Stats.Workarounds, "workaround"), Plural(sum.Warnings, "warning"), Plural(sum.Failed, "error"))
	_, err := io.WriteString(w, b.String())
	return err
}

// Position formats LINE:COLUMN, LINE, or "-" for a finding about the whole run or file.
func Position(line, col int) string {
	switch {
	case line == 0:
		return "-"
	case col == 0:
		return fmt.Sprint(line)
	}
	return fmt.Sprintf("%d:%d", line, col)
}

// orDash returns s, or "-" when what it shows is missing.
func orDash(s, what string) string {
	if what == "" {
		return "-"
	}
	return s
}

// ignoredText is a finding's message, preceded by the reason of the ignore that silenced it.
func ignoredText(x migrate.Finding) string {
	if x.Ignored == "" {
		return x.Message
	}
	return "ignored (" + x.Ignored + "): " + x.Message
}
