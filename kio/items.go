package kio

import (
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ItemResult is what Items found about one item of a KRM function's list, or, with a nil
// Item, about the whole run.
type ItemResult struct {
	Item     *yaml.RNode
	Findings []migrate.Finding
	// Changed reports that the migration edited the item in place.
	Changed bool
}

// Items is the pipeline over the items of a KRM function's ResourceList (read, with File's
// input checks, by ReadResourceList): it migrates each item in place and calls emit with the
// findings about the run, then each item's result in order, then the findings of the
// autoscalers that name a container that moved in any item, as Tree does for files.
func Items(items []*yaml.RNode, opts migrate.Options, emit func(ItemResult)) {
	if run := migrate.RunFindings(opts); len(run) > 0 {
		emit(ItemResult{Findings: run})
	}
	var refs autoscalers[*yaml.RNode]
	for _, item := range items {
		named := migrate.ContainerRefs(item)
		res := migrate.Migrate(item, opts)
		refs.add(item, named, res.Moved)
		emit(ItemResult{Item: item, Findings: res.Findings, Changed: res.Changed()})
	}
	refs.findings(opts, func(item *yaml.RNode, f []migrate.Finding) {
		emit(ItemResult{Item: item, Findings: f})
	})
}
