package kio

import (
	"bytes"
	"slices"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ConfigMap scripts in a KRM function's list: a Job runs a script from a ConfigMap of the
// same list, before or after it. The list is one stream, as a file is, and its scripts are
// read as one file's step reads them (configscripts.go, configscripts_redo.go): the same
// runs, uses, edits and findings. But the items are migrated and written one at a time, and
// a ConfigMap before its Job is written before the Job is migrated. So, when the list's text
// may hold such a script, a first pass (ResourceList.peek) reads the ConfigMaps that have a
// key that reads as a script (migrate.ScriptKey), what uses them, and the workloads that
// mount them, migrated on copies, and plans the edits; the pass that writes the items makes
// them, item by item, with the same calls. A list whose text lacks the word ConfigMap, a
// configMap reference, or a script's name or shebang costs three byte searches.

// mayHoldConfigScripts reports whether a list's text may hold a ConfigMap script that one of
// its workloads runs: a byte check.
func mayHoldConfigScripts(data []byte) bool {
	return migrate.MayHoldConfigMap(data) && migrate.MayUseConfigMap(data) && mayHoldScript(data)
}

// listScripts is the plan of the ConfigMap script edits of a list (planListScripts).
type listScripts struct {
	opts    migrate.Options
	maps    map[int]bool              // the items that are ConfigMaps with a script key, by index
	runs    []migrate.ConfigScriptRun // the runs into those ConfigMaps, of the migrated workloads
	uses    []migrate.ConfigMapUse    // what sees those ConfigMaps
	read    map[int]bool              // the runs whose script is read, by index
	refused map[int]string            // why the others those ConfigMaps hold were not
	redo    *listRedo                 // the workloads decided again with their scripts, or nil
}

// listRedo is the workloads decided again with their scripts: the runs by index and their
// scripts, the items that hold them, and the runs of those workloads as decided again, whose
// scripts are then read.
type listRedo struct {
	order   []int
	scripts map[int]string
	items   map[int]bool
	runs    []migrate.ConfigScriptRun
}

// indexedItem is an item of the list, with its index.
type indexedItem struct {
	index int
	node  *yaml.RNode
}

// planListScripts reads the list once before its items are migrated, and returns the plan of
// its ConfigMap script edits, or nil when there is none to make or to report.
func planListScripts(l *ResourceList, opts migrate.Options) *listScripts {
	if !l.mayHoldScripts {
		return nil
	}
	p := &listScripts{opts: opts, maps: map[int]bool{}}
	var maps []*yaml.RNode // copies, in list order
	names := map[string]bool{}
	ok := l.peek(func(chunk []byte) bool { return migrate.MayHoldConfigMap(chunk) && mayHoldScript(chunk) },
		func(i int, item *yaml.RNode) {
			for _, cm := range migrate.ConfigMapDocs(item.YNode()) {
				if len(cm.ScriptKeys) > 0 {
					p.maps[i], names[cm.Name] = true, true
					maps = append(maps, item.Copy())
				}
			}
		})
	if !ok || len(maps) == 0 {
		return nil
	}
	var workloads []indexedItem // migrated copies
	ok = l.peek(func(chunk []byte) bool { return migrate.MayUseConfigMap(chunk) && namesAny(chunk, names) },
		func(i int, item *yaml.RNode) {
			uses := usesOf(item, names, opts)
			p.uses = append(p.uses, uses...)
			if len(uses) == 0 || p.maps[i] {
				return
			}
			w := item.Copy()
			migrate.Migrate(w, opts)
			n := len(p.runs)
			for _, run := range migrate.ConfigScriptRuns(w.YNode(), opts) {
				if names[run.ConfigMap] {
					p.runs = append(p.runs, run)
				}
			}
			if len(p.runs) > n {
				workloads = append(workloads, indexedItem{i, w})
			}
		})
	if !ok || len(p.runs) == 0 {
		return nil
	}
	redo := p.edit(maps)
	p.planRedo(maps, workloads, redo)
	return p
}

// namesAny reports whether text holds one of names: a byte check.
func namesAny(text []byte, names map[string]bool) bool {
	for name := range names {
		if bytes.Contains(text, []byte(name)) {
			return true
		}
	}
	return false
}

// usesOf returns what, in item, sees one of the ConfigMaps named.
func usesOf(item *yaml.RNode, names map[string]bool, opts migrate.Options) []migrate.ConfigMapUse {
	uses := migrate.ConfigMapUses(item.YNode(), opts)
	return slices.DeleteFunc(uses, func(u migrate.ConfigMapUse) bool { return !names[u.ConfigMap] })
}

// edit reads the scripts of the runs in maps, as one file's step does (editConfigMaps), and
// returns the scripts whose reading changes their workload, by run index.
func (p *listScripts) edit(maps []*yaml.RNode) map[int]string {
	p.read, p.refused = map[int]bool{}, map[int]string{}
	redo := map[int]string{}
	for _, cm := range maps {
		e := migrate.EditConfigScripts(cm.YNode(), p.runs, p.uses, p.opts)
		for _, j := range e.Read {
			p.read[j] = true
		}
		for j, why := range e.Refused {
			p.refused[j] = why
		}
		for j, script := range e.Redo {
			redo[j] = script
		}
	}
	return redo
}

// planRedo decides again, on copies, the workloads whose scripts are in redo, as one file's
// step does (FileResult.redo): kept only when every script of the workloads decided again
// is then read.
func (p *listScripts) planRedo(maps []*yaml.RNode, workloads []indexedItem, redo map[int]string) {
	if len(redo) == 0 {
		return
	}
	r := &listRedo{scripts: redo, items: map[int]bool{}}
	for j := range redo {
		r.order = append(r.order, j)
	}
	slices.Sort(r.order)
	done := map[int]bool{}
	var again []migrate.ConfigScriptRun
	for _, w := range workloads {
		c := w.node.Copy() // the runs keep the workload as first migrated
		for _, j := range r.order {
			if _, ok := p.runs[j].Redo(c.YNode(), redo[j], p.opts); ok {
				done[j], r.items[w.index] = true, true
			}
		}
		if r.items[w.index] {
			again = append(again, migrate.ConfigScriptRuns(c.YNode(), p.opts)...)
		}
	}
	if len(done) == 0 {
		return
	}
	for _, run := range again {
		for j := range done {
			if run.Resource == p.runs[j].Resource && run.Container == p.runs[j].Container && run.Key == p.runs[j].Key {
				r.runs = append(r.runs, run)
			}
		}
	}
	read := map[int]bool{}
	for _, cm := range maps {
		for _, j := range migrate.EditConfigScripts(cm.YNode(), r.runs, p.uses, p.opts).Read {
			read[j] = true
		}
	}
	if len(read) != len(r.runs) {
		return // the script is not read with the workload as it decides it: neither changes
	}
	for j := range done {
		delete(p.refused, j)
	}
	p.redo = r
}

// apply makes the plan's edits in the item at index i of the list, once migrated, and
// returns its findings with those of the edits, and whether the edits changed it.
func (p *listScripts) apply(i int, item *yaml.RNode, findings []migrate.Finding) (_ []migrate.Finding, changed bool) {
	if p.maps[i] {
		e := migrate.EditConfigScripts(item.YNode(), p.runs, p.uses, p.opts)
		findings, changed = append(findings, e.Findings...), e.Changed
		if p.redo != nil {
			e := migrate.EditConfigScripts(item.YNode(), p.redo.runs, p.uses, p.opts)
			findings, changed = append(findings, e.Findings...), changed || e.Changed
		}
	}
	var found []migrate.Finding // the findings of the workload decided again
	if p.redo != nil && p.redo.items[i] {
		for _, j := range p.redo.order {
			res, ok := p.runs[j].Redo(item.YNode(), p.redo.scripts[j], p.opts)
			if !ok {
				continue
			}
			changed = true
			for _, f := range res.Findings {
				if f.Container != p.runs[j].Container {
					found = append(found, f)
				}
			}
		}
	}
	findings = dropUnread(findings, p.runs, p.read)
	if p.redo != nil {
		all := map[int]bool{}
		for j := range p.redo.runs {
			all[j] = true
		}
		findings = dropUnread(findings, p.redo.runs, all)
		findings = replaceFindings(findings, found)
	} else if len(p.read) > 0 {
		slices.SortStableFunc(findings, func(a, b migrate.Finding) int { return a.Line - b.Line })
	}
	for j, why := range p.refused {
		noteUnread(findings, p.runs[j], "its ConfigMap, in this file, was left as it is: "+why)
	}
	return findings, changed
}

// peek calls visit with the items of the list, with their index, before All: for a list read
// in parts, those of the chunks whose text want accepts, parsed again; for a list read whole,
// every item, which visit must leave as it is. It reports false when a part does not read as
// it did.
func (l *ResourceList) peek(want func(chunk []byte) bool, visit func(index int, item *yaml.RNode)) bool {
	if l.parts != nil {
		return l.parts.peek(want, visit)
	}
	for i, item := range l.items {
		visit(i, item)
	}
	return true
}
