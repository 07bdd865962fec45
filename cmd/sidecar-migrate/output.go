package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/spf13/cobra"
)

// outputOptions are diff's and apply's output modes: the diff or the list of written files
// (the default), only the names of the files that change (-l, as gofmt, shfmt and prettier
// do), or a JSON summary for CI bots (--format json).
type outputOptions struct {
	list   bool
	format string
	// what the run did, for the JSON summary
	files      []jsonFileSummary
	bySeverity map[string]int
}

func (o *outputOptions) addFlags(cmd *cobra.Command) {
	cmd.Flags().BoolVarP(&o.list, "list", "l", false, "print only the names of the files that change")
	cmd.Flags().StringVar(&o.format, "format", "text", "text, or json: a summary of the files changed and the findings by severity on stdout")
}

func (o *outputOptions) check() error {
	switch o.format {
	case "text", "json":
	default:
		return &exitError{code: exitFailed, msg: fmt.Sprintf("--format %q: want text or json", o.format)}
	}
	if o.list && o.format == "json" {
		return &exitError{code: exitFailed, msg: "--list and --format json: choose one"}
	}
	return nil
}

// plain reports whether the command prints its usual output (the diff, or a line per written
// file).
func (o *outputOptions) plain() bool { return !o.list && o.format == "text" }

// count wraps a findings printer to count the findings by severity.
func (o *outputOptions) count(print func(kio.FileResult)) func(kio.FileResult) {
	o.bySeverity = map[string]int{"info": 0, "warning": 0, "error": 0}
	return func(r kio.FileResult) {
		for _, f := range r.Findings {
			if r.Err == nil || f.Severity != migrate.Error { // a failed file counts once, below
				o.bySeverity[f.Severity.String()]++
			}
		}
		if r.Err != nil {
			o.bySeverity["error"]++
		}
		print(r)
	}
}

// changed records a file that changes; with -l it prints its name.
func (o *outputOptions) changed(w io.Writer, r kio.FileResult) error {
	o.files = append(o.files, jsonFileSummary{Path: r.Path, Sidecars: r.Stats.Sidecars, Workarounds: r.Stats.Workarounds})
	if o.list {
		_, err := fmt.Fprintln(w, r.Path)
		return err
	}
	return nil
}

// jsonRunSummary is what --format json prints. Its schema is stable: fields are only added.
type jsonRunSummary struct {
	Version  int               `json:"version"` // 1
	Command  string            `json:"command"` // diff or apply
	Summary  jsonCounts        `json:"summary"`
	Changed  []jsonFileSummary `json:"changed"`  // the files that change (diff) or were written (apply)
	Findings map[string]int    `json:"findings"` // by severity: info, warning, error
}

type jsonCounts struct {
	Files       int `json:"files"`
	Changed     int `json:"changed"`
	Sidecars    int `json:"sidecars"`
	Workarounds int `json:"workarounds"`
	Warnings    int `json:"warnings"`
	Errors      int `json:"errors"`
}

type jsonFileSummary struct {
	Path        string `json:"path"`
	Sidecars    int    `json:"sidecars"`
	Workarounds int    `json:"workarounds"`
}

// finish prints the summary of the run: on stderr as a line (unless quiet), or as JSON on
// stdout.
func (o *outputOptions) finish(s streams, command string, sum summary, quiet bool) error {
	if o.format != "json" {
		if !quiet {
			fmt.Fprintln(s.err, sum)
		}
		return nil
	}
	if o.files == nil {
		o.files = []jsonFileSummary{}
	}
	enc := json.NewEncoder(s.out)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonRunSummary{Version: 1, Command: command, Changed: o.files, Findings: o.bySeverity,
		Summary: jsonCounts{Files: sum.Files, Changed: sum.Changed, Sidecars: sum.Stats.Sidecars,
			Workarounds: sum.Stats.Workarounds, Warnings: sum.Warnings, Errors: sum.Failed}})
}
