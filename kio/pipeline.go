package kio

import (
	"os"
	"runtime"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// Run reads and migrates the inputs with a bounded pool of workers and calls emit with each
// result in input order, whatever the scheduling, so that output is deterministic. At most
// 2×jobs files are held in memory at a time. jobs <= 0 means GOMAXPROCS.
func Run(inputs []Input, jobs int, opts migrate.Options, emit func(FileResult)) {
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	results := make([]chan FileResult, len(inputs))
	for i := range results {
		results[i] = make(chan FileResult, 1)
	}
	slots := make(chan struct{}, 2*jobs)
	work := make(chan int)
	for range jobs {
		go func() {
			for i := range work {
				results[i] <- migrateFile(inputs[i], opts)
			}
		}()
	}
	go func() {
		for i := range inputs {
			slots <- struct{}{}
			work <- i
		}
		close(work)
	}()
	for i := range inputs {
		emit(<-results[i])
		<-slots
	}
}

func migrateFile(in Input, opts migrate.Options) FileResult {
	if in.HelmTemplate {
		return FileResult{Path: in.Path, Findings: []migrate.Finding{helmTemplateFinding()}}
	}
	data, err := os.ReadFile(in.Path)
	if err != nil {
		return FileResult{Path: in.Path, Err: err}
	}
	return MigrateBytes(in.Path, data, opts)
}

func helmTemplateFinding() migrate.Finding {
	return migrate.Finding{Rule: migrate.RuleHelmTemplate, Severity: migrate.Info, Line: 1, Column: 1,
		Message: "skipped: a Helm chart template is not a manifest; migrate the rendered output with `helm template ... --post-renderer sidecar-migrate --post-renderer-args apply --post-renderer-args -`"}
}
