package kio

import (
	"iter"

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
	// ScriptOnly reports that the only edit is the value of a ConfigMap's script: every other
	// field and every comment is as it came.
	ScriptOnly bool
}

// Items is the pipeline over the items of a KRM function's ResourceList (read, with File's
// input checks, by ReadResourceList): it migrates each item in place and calls emit with the
// findings about the run, then each item's result in order, then the findings of the
// autoscalers that name a container that moved in any item, as Tree does for files.
//
// items may yield each item once and write it when the next is asked for, as
// ResourceList.All does: an item is done with before the next, but for the autoscalers,
// which are copied (only what names containers: HorizontalPodAutoscalers and
// VerticalPodAutoscalers, a few small objects). Items reads no ConfigMap script, which needs
// the list twice: ListItems does.
func Items(items iter.Seq[*yaml.RNode], opts migrate.Options, emit func(ItemResult)) {
	migrateItems(items, opts, nil, emit)
}

// ListItems is Items over the items of l, with the ConfigMap scripts that its workloads run
// read and edited as in one file (configscripts_items.go).
func ListItems(l *ResourceList, opts migrate.Options, emit func(ItemResult)) {
	migrateItems(l.All(), opts, planListScripts(l, opts), emit)
}

func migrateItems(items iter.Seq[*yaml.RNode], opts migrate.Options, scripts *listScripts, emit func(ItemResult)) {
	if run := migrate.RunFindings(opts); len(run) > 0 {
		emit(ItemResult{Findings: run})
	}
	var refs autoscalers[*yaml.RNode]
	index := 0
	for item := range items {
		named := migrate.ContainerRefs(item)
		res := migrate.Migrate(item, opts)
		findings, changed, edited := res.Findings, res.Changed(), false
		if scripts != nil {
			findings, edited = scripts.apply(index, item, findings)
		}
		index++
		at := item
		if len(named) > 0 {
			at = item.Copy()
		}
		refs.add(at, named, res.Moved)
		emit(ItemResult{Item: item, Findings: findings, Changed: changed || edited, ScriptOnly: edited && !changed && scripts.maps[index-1]})
	}
	refs.findings(opts, func(item *yaml.RNode, f []migrate.Finding) {
		emit(ItemResult{Item: item, Findings: f})
	})
}
