package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// File is one file of a run: its findings in line order and the error that stopped it. A
// File with no Path holds the findings about the whole run.
type File struct {
	Path     string
	Findings []migrate.Finding
	Err      error
}

// Summary counts what a run did.
type Summary struct {
	Files, Changed, Failed, Warnings int
	Stats                            migrate.Stats
	Interrupted                      bool
}

// Tool describes the program and the place of the run, for SARIF.
type Tool struct {
	Version string // the program's version
	Root    string // the folder %SRCROOT% stands for: the repository root or the current folder
	Stdin   string // the name standard input has among the files; it gets no location
}

// Formats are the formats Write knows.
var Formats = []string{"text", "json", "sarif"}

// CheckFormat returns an error naming the formats when format is not one of them.
func CheckFormat(format string) error {
	if slices.Contains(Formats, format) {
		return nil
	}
	return fmt.Errorf("--format %q: want %s", format, strings.Join(Formats, ", "))
}

// Write writes files and sum to w in format, one of Formats.
func Write(w io.Writer, format string, files []File, sum Summary, tool Tool) error {
	switch format {
	case "text":
		return Text(w, files, sum)
	case "json":
		return JSON(w, files, sum)
	case "sarif":
		return SARIF(w, files, sum, tool)
	}
	return CheckFormat(format)
}

// ProjectURL is the project's home, where the README's rule table is.
const ProjectURL = "https://github.com/sidecar-migrate/sidecar-migrate"

// Plural formats a count with its noun, adding "s" unless the count is 1.
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// String is the one-line summary that apply and diff print.
func (s Summary) String() string {
	return fmt.Sprintf("%s scanned, %d changed, %s moved, %s removed, %s, %s",
		Plural(s.Files, "file"), s.Changed, Plural(s.Stats.Sidecars, "sidecar"), Plural(s.Stats.Workarounds, "workaround"),
		Plural(s.Warnings, "warning"), Plural(s.Failed, "error"))
}
