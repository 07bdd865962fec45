package main

import (
	"errors"
	"fmt"
	"github.com/sidecar-migrate/sidecar-migrate/internal/report"
	"io"
	"os"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/kustomize"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// stdinName names standard input in findings and diffs.
const stdinName = "<stdin>"

// summary counts what a run over many files did.
type summary = report.Summary

// migrateAll migrates the paths, or standard input, and hands each file's result, in input
// order, to findings (which prints or collects them) and, unless the file failed, to onFile.
// It returns the summary and an exit error when some input could not be processed.
func (g *globalOptions) migrateAll(paths []string, s streams, findings func(kio.FileResult), onFile func(kio.FileResult) error) (summary, error) {
	var sum summary
	if run := migrate.RunFindings(g.migrate); len(run) > 0 {
		findings(kio.FileResult{Findings: run})
	}
	var refs kio.Autoscalers[string]
	var plan *kustomize.Plan
	handle := func(r kio.FileResult) {
		plan.Complete(&r)
		refs.AddFile(r.Path, r)
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
	}
	if readsStdin(paths) {
		data, err := io.ReadAll(s.in)
		if err != nil {
			return sum, &exitError{code: exitFailed, msg: "reading standard input: " + err.Error()}
		}
		handle(kio.MigrateBytes(stdinName, data, g.migrate))
	} else {
		g.migrateTree(paths, s, &sum, &plan, handle)
	}
	refs.Findings(g.migrate, func(path string, f []migrate.Finding) {
		sum.Warnings += len(f)
		findings(kio.FileResult{Path: path, Findings: f})
	})
	if sum.Failed > 0 || sum.Interrupted {
		return sum, &exitError{code: exitFailed}
	}
	return sum, nil
}

// migrateTree migrates the files under paths, through the repository plan (made here unless
// the command already has one, and stored in *plan), handing each result to handle in input
// order. A signal stops it after the file under way; the files not reached are listed only.
func (g *globalOptions) migrateTree(paths []string, s streams, sum *summary, plan **kustomize.Plan, handle func(kio.FileResult)) {
	var errs []error
	interrupted, stop := g.interrupt(s.err)
	defer stop()
	filter := kio.Filter{Include: g.include, Exclude: g.exclude}
	repo := g.repository
	if repo == nil {
		var err error
		if repo, err = kustomize.NewPlan(existing(paths), filter, g.migrate); err != nil {
			fmt.Fprintf(s.err, "error: %v\n", err)
			sum.Failed++
		}
		g.repository = repo
	}
	*plan = repo
	walk := func(yield func(kio.Input)) {
		errs = kio.Walk(paths, filter, func(in kio.Input) {
			if !interrupted.Load() { // after a signal, files are only listed, no more processed
				yield(repo.Input(in))
			}
		})
	}
	p := newProgress(s.err, g.quiet)
	kio.Run(walk, g.jobs, g.migrate, func(r kio.FileResult) {
		p.clear()
		handle(r)
		p.step()
	})
	p.clear()
	if !interrupted.Load() {
		for _, r := range repo.Rest() {
			handle(r)
		}
	}
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
