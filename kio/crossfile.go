package kio

import "github.com/sidecar-migrate/sidecar-migrate/migrate"

// Autoscalers is the step that runs after every input of a run has been migrated: an
// autoscaler and the workload whose container it names are often in different files or
// items, and whether the container moved is known only at the end. At identifies where the
// references were found (a file's path, a KRM function's item). The zero value is ready.
type Autoscalers[At any] struct {
	refs  []atRefs[At]
	moved migrate.MovedSet
}

type atRefs[At any] struct {
	at   At
	refs []migrate.ContainerRef
}

// Add records what one input named and moved.
func (a *Autoscalers[At]) Add(at At, refs []migrate.ContainerRef, moved []migrate.MovedContainer) {
	if len(refs) > 0 {
		a.refs = append(a.refs, atRefs[At]{at, refs})
	}
	a.moved.Add(moved...)
}

// AddFile records a file's result.
func (a *Autoscalers[At]) AddFile(at At, r FileResult) { a.Add(at, r.ContainerRefs, r.Moved) }

// Findings calls emit, in the order the inputs were added, with the warnings of each input
// whose autoscaler names a container that moved anywhere in the run.
func (a *Autoscalers[At]) Findings(opts migrate.Options, emit func(At, []migrate.Finding)) {
	for _, r := range a.refs {
		if f := a.moved.AutoscalerFindings(r.refs, opts); len(f) > 0 {
			emit(r.at, f)
		}
	}
}
