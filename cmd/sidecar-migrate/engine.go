package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/sidecar-migrate/sidecar-migrate/internal/report"
	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/kustomize"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// stdinName names standard input in findings and diffs.
const stdinName = "<stdin>"

// summary counts what a run over many files did.
type summary = report.Summary

// migrateAll migrates the paths, or standard input, through kio.Tree, and hands each file's
// result, in input order, to findings (which prints or collects them) and, unless the file
// failed, to onFile; the findings about the whole run and those of the cross-file step go to
// findings alone. It returns the summary and an exit error when some input could not be
// processed.
func (g *globalOptions) migrateAll(paths []string, s streams, findings func(kio.FileResult), onFile func(kio.FileResult) error) (summary, error) {
	var sum summary
	emit := kio.Emit{
		File: func(r kio.FileResult) {
			sum.Files++
			sum.Stats.Add(r.Stats)
			for _, f := range r.Findings {
				if f.Severity == migrate.Warning {
					sum.Warnings++
				}
			}
			findings(r)
			if r.Err != nil {
				sum.Failed++
				return
			}
			if r.Changed() {
				sum.Changed++
			}
			if err := onFile(r); err != nil {
				fmt.Fprintf(s.err, "error: %v\n", err)
				sum.Failed++
			}
		},
		Findings: func(path string, f []migrate.Finding) {
			if path != "" {
				sum.Warnings += len(f)
			}
			findings(kio.FileResult{Path: path, Findings: f})
		},
	}
	if readsStdin(paths) {
		data, err := io.ReadAll(s.in)
		if err != nil {
			return sum, &exitError{code: exitFailed, msg: "reading standard input: " + err.Error()}
		}
		kio.Tree(context.Background(), kio.Inputs([]kio.Input{{Path: stdinName, Data: data}}), 1, g.migrate, nil, emit)
	} else {
		g.migrateTree(paths, s, &sum, emit)
	}
	if sum.Failed > 0 || sum.Interrupted {
		return sum, &exitError{code: exitFailed}
	}
	return sum, nil
}

// migrateTree migrates the files under paths, through the repository plan (made here unless
// the command already has one). A signal stops it after the file under way; the files not
// reached are listed only.
func (g *globalOptions) migrateTree(paths []string, s streams, sum *summary, emit kio.Emit) {
	var errs []error
	interrupted, stop := g.interrupt(s.err)
	defer stop()
	filter := kio.Filter{Include: g.include, Exclude: g.exclude}
	if g.repository == nil {
		repo, err := kustomize.NewPlan(existing(paths), filter, g.migrate)
		if err != nil {
			fmt.Fprintf(s.err, "error: %v\n", err)
			sum.Failed++
		}
		g.repository = repo
	}
	walk := func(yield func(kio.Input) bool) {
		errs = kio.Walk(paths, filter, func(in kio.Input) { yield(in) })
	}
	p := newProgress(s.err, g.quiet)
	file := emit.File
	emit.File = func(r kio.FileResult) {
		p.clear()
		file(r)
		p.step()
	}
	kio.Tree(interrupted.ctx, walk, g.jobs, g.migrate, g.repository, emit)
	p.clear()
	for _, err := range errs {
		fmt.Fprintf(s.err, "error: %v\n", err)
		sum.Failed++
	}
	if interrupted.Load() {
		fmt.Fprintln(s.err, "sidecar-migrate: interrupted: files not reached were left as they were")
		sum.Interrupted = true
	}
}

// printFindings returns a function that prints a file's findings, one a line, and its error.
func (g *globalOptions) printFindings(w io.Writer) func(kio.FileResult) {
	return func(r kio.FileResult) { g.printFileFindings(w, r) }
}

func (g *globalOptions) printFileFindings(w io.Writer, r kio.FileResult) {
	for _, f := range r.Findings {
		if g.quiet && f.Severity < migrate.Warning {
			continue
		}
		if r.Path == "" { // about the whole run
			fmt.Fprintf(w, "sidecar-migrate: %s %s: %s\n", f.Severity, f.Rule, f.Message)
			continue
		}
		if r.Err != nil && f.Severity == migrate.Error {
			continue // an error finding is printed once, as the file's error line
		}
		fmt.Fprintf(w, "%s:%s\n", r.Path, f)
	}
	if r.Err != nil {
		fmt.Fprintln(w, errorLine(r.Err))
	}
}

// errorLine formats a file error as "FILE:LINE:COLUMN: error: message", like a finding, with
// the line it is about quoted under it.
func errorLine(err error) string {
	var e *kio.Error
	if errors.As(err, &e) {
		where := e.Path
		if e.Line > 0 {
			where += ":" + report.Position(e.Line, e.Column)
		}
		if q := e.Quote(); q != "" {
			return fmt.Sprintf("%s: error: %s\n%s", where, e.Msg, q)
		}
		return fmt.Sprintf("%s: error: %s", where, e.Msg)
	}
	return "error: " + err.Error()
}

// progress shows "N files" on a terminal during long runs (the walk streams, so the total is
// not known in advance); never when piped.
type progress struct {
	w          io.Writer
	n          int
	on, active bool
}

func newProgress(w io.Writer, quiet bool) *progress {
	return &progress{w: w, on: !quiet && isTerminal(w)}
}

func (p *progress) step() {
	p.n++
	if p.on && p.n%50 == 0 {
		fmt.Fprintf(p.w, "\r%d files", p.n)
		p.active = true
	}
}

func (p *progress) clear() {
	if p.active {
		fmt.Fprint(p.w, "\r\033[K")
		p.active = false
	}
}

// existing returns the paths that exist: the walk reports the others, once.
func existing(paths []string) []string {
	var out []string
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}
