package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/kustomize"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// stdinName names standard input in findings and diffs.
const stdinName = "<stdin>"

// summary counts what a run over many files did.
type summary struct {
	files, changed, failed, warnings int
	stats                            migrate.Stats
	interrupted                      bool
}

func (s summary) String() string {
	return fmt.Sprintf("%s scanned, %d changed, %s moved, %s removed, %s, %s",
		plural(s.files, "file"), s.changed, plural(s.stats.Sidecars, "sidecar"), plural(s.stats.Workarounds, "workaround"),
		plural(s.warnings, "warning"), plural(s.failed, "error"))
}

// migrateAll migrates the paths, or standard input, and hands each file's result, in input
// order, to findings (which prints or collects them) and, unless the file failed, to onFile.
// It returns the summary and an exit error when some input could not be processed.
func (g *globalOptions) migrateAll(paths []string, s streams, findings func(kio.FileResult), onFile func(kio.FileResult) error) (summary, error) {
	var sum summary
	if run := migrate.RunFindings(g.migrate); len(run) > 0 {
		findings(kio.FileResult{Findings: run})
	}
	var refs autoscalerRefs
	var plan *kustomize.Plan
	handle := func(r kio.FileResult) {
		plan.Complete(&r)
		refs.add(r)
		sum.files++
		sum.stats.Add(r.Stats)
		for _, f := range r.Findings {
			if f.Severity == migrate.Warning {
				sum.warnings++
			}
		}
		findings(r)
		if r.Err != nil {
			sum.failed++
			return
		}
		if r.Changed() {
			sum.changed++
		}
		if err := onFile(r); err != nil {
			fmt.Fprintf(s.err, "error: %v\n", err)
			sum.failed++
		}
	}
	if readsStdin(paths, s.in) {
		data, err := io.ReadAll(s.in)
		if err != nil {
			return sum, &exitError{code: exitFailed, msg: "reading standard input: " + err.Error()}
		}
		handle(kio.MigrateBytes(stdinName, data, g.migrate))
	} else {
		var errs []error
		interrupted := onInterrupt()
		defer interrupted.stop()
		filter := kio.Filter{Include: g.include, Exclude: g.exclude}
		plan = g.repository
		if plan == nil {
			var err error
			if plan, err = kustomize.NewPlan(paths, filter, g.migrate); err != nil {
				fmt.Fprintf(s.err, "error: %v\n", err)
				sum.failed++
			}
			g.repository = plan
		}
		walk := func(yield func(kio.Input)) {
			errs = kio.Walk(paths, filter, func(in kio.Input) {
				if !interrupted.Load() { // after a signal, files are only listed, no more processed
					yield(plan.Input(in))
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
			for _, r := range plan.Rest() {
				handle(r)
			}
		}
		for _, err := range errs {
			fmt.Fprintf(s.err, "error: %v\n", err)
			sum.failed++
		}
		if interrupted.Load() {
			fmt.Fprintln(s.err, "sidecar-migrate: interrupted: files not reached were left as they were")
			sum.interrupted = true
		}
	}
	for _, r := range refs.findings(g.migrate) {
		sum.warnings += len(r.Findings)
		findings(r)
	}
	if sum.failed > 0 || sum.interrupted {
		return sum, &exitError{code: exitFailed}
	}
	return sum, nil
}

// interrupt records that SIGINT or SIGTERM arrived. The run then stops taking new files:
// each file is written whole or not at all, so the tree holds old and new files only.
type interrupt struct {
	atomic.Bool
	stop func()
}

func onInterrupt() *interrupt {
	in := &interrupt{}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
			in.Store(true)
		case <-done:
		}
	}()
	in.stop = func() {
		signal.Stop(ch)
		close(done)
	}
	return in
}

// autoscalerRefs gathers, over a whole run, the containers that autoscalers name and the
// containers that moved: an autoscaler and its workload are often in different files.
type autoscalerRefs struct {
	refs  []kio.FileResult // Path and ContainerRefs of the files that have some
	moved migrate.MovedSet
}

func (a *autoscalerRefs) add(r kio.FileResult) {
	if len(r.ContainerRefs) > 0 {
		a.refs = append(a.refs, kio.FileResult{Path: r.Path, ContainerRefs: r.ContainerRefs})
	}
	a.moved.Add(r.Moved...)
}

// findings returns, file by file, a warning for each autoscaler reference to a moved
// container.
func (a *autoscalerRefs) findings(opts migrate.Options) []kio.FileResult {
	var out []kio.FileResult
	for _, r := range a.refs {
		if r.Findings = a.moved.AutoscalerFindings(r.ContainerRefs, opts); len(r.Findings) > 0 {
			out = append(out, r)
		}
	}
	return out
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

// errorLine formats a file error as "FILE:LINE: error: message", like a finding.
func errorLine(err error) string {
	var e *kio.Error
	if errors.As(err, &e) {
		if e.Line > 0 {
			return fmt.Sprintf("%s:%d: error: %s", e.Path, e.Line, e.Msg)
		}
		return fmt.Sprintf("%s: error: %s", e.Path, e.Msg)
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
