package kio

import "github.com/sidecar-migrate/sidecar-migrate/migrate"

// autoscalers is the step that runs after every input of a run has been migrated: an
// autoscaler and the workload whose container it names are often in different files or
// items, and whether the container moved is known only at the end. At identifies where the
// references were found (a file's path, a KRM function's item). The zero value is ready.
type autoscalers[At any] struct {
	refs  []atRefs[At]
	moved migrate.MovedSet
}

type atRefs[At any] struct {
	at   At
	refs []migrate.ContainerRef
}

// add records what one input named and moved.
func (a *autoscalers[At]) add(at At, refs []migrate.ContainerRef, moved []migrate.MovedContainer) {
	if len(refs) > 0 {
		a.refs = append(a.refs, atRefs[At]{at, refs})
	}
	a.moved.Add(moved...)
}

// addFile records a file's result.
func (a *autoscalers[At]) addFile(at At, r FileResult) { a.add(at, r.ContainerRefs, r.Moved) }

// findings calls emit, in the order the inputs were added, with the warnings of each input
// whose autoscaler names a container that moved anywhere in the run.
func (a *autoscalers[At]) findings(opts migrate.Options, emit func(At, []migrate.Finding)) {
	for _, r := range a.refs {
		if f := a.moved.AutoscalerFindings(r.refs, opts); len(f) > 0 {
			emit(r.at, f)
		}
	}
}
