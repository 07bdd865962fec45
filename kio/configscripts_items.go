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
	// byResource: the runs of each workload, by index (runsAbout).
	byResource map[migrate.Resource][]int
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
	workloads, ok := p.readWorkloads(l, names)
	if !ok {
		return nil
	}
	redo := p.edit(maps)
	p.planRedo(maps, workloads, redo)
	return p
}

// readWorkloads reads what uses the ConfigMaps named and the runs into them, and returns the
// workloads that hold a run, migrated; false when there is no run or a part does not read as
// it did. A run whose ConfigMap has another user is never read (UsedElsewhere): it keeps
// no workload, so a list of many Jobs that mount one ConfigMap does not keep them all.
func (p *listScripts) readWorkloads(l *ResourceList, names map[string]bool) ([]indexedItem, bool) {
	var workloads []indexedItem
	users := map[string]map[migrate.ConfigMapUse]bool{} // by ConfigMap name
	runsInto := map[string][]int{}                      // the runs into each ConfigMap, by name
	into := map[int][]string{}                          // the ConfigMaps each kept workload runs from
	// shared lets go of the workloads of the runs into a ConfigMap that has a second user.
	shared := func(name string) {
		for _, j := range runsInto[name] {
			p.runs[j] = p.runs[j].WithoutWorkload()
		}
		workloads = slices.DeleteFunc(workloads, func(w indexedItem) bool {
			return !slices.ContainsFunc(into[w.index], func(n string) bool { return len(users[n]) < 2 })
		})
	}
	ok := l.peek(func(chunk []byte) bool { return namesAny(chunk, names) },
		func(i int, item *yaml.RNode) {
			uses := usesOf(item, names, p.opts)
			p.uses = append(p.uses, uses...)
			for _, u := range uses {
				if users[u.ConfigMap] == nil {
					users[u.ConfigMap] = map[migrate.ConfigMapUse]bool{}
				}
				if n := len(users[u.ConfigMap]); !users[u.ConfigMap][u] {
					users[u.ConfigMap][u] = true
					if n == 1 {
						shared(u.ConfigMap)
					}
				}
			}
			if len(uses) == 0 || p.maps[i] {
				return
			}
			w := item.Copy()
			migrate.Migrate(w, p.opts)
			for _, run := range migrate.ConfigScriptRuns(w.YNode(), p.opts) {
				if !names[run.ConfigMap] {
					continue
				}
				if len(users[run.ConfigMap]) > 1 {
					run = run.WithoutWorkload()
				} else {
					into[i] = append(into[i], run.ConfigMap)
				}
				runsInto[run.ConfigMap] = append(runsInto[run.ConfigMap], len(p.runs))
				p.runs = append(p.runs, run)
			}
			if len(into[i]) > 0 {
				workloads = append(workloads, indexedItem{i, w})
			}
		})
	return workloads, ok && len(p.runs) > 0
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

// usesOf returns what, in item, sees one of the ConfigMaps named, or names it by a plain
// value (migrate.ConfigMapNameUses).
func usesOf(item *yaml.RNode, names map[string]bool, opts migrate.Options) []migrate.ConfigMapUse {
	uses := migrate.ConfigMapUses(item.YNode(), opts)
	uses = slices.DeleteFunc(uses, func(u migrate.ConfigMapUse) bool { return !names[u.ConfigMap] })
	return append(uses, migrate.ConfigMapNameUses(item.YNode(), names, opts)...)
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
	about := p.runsAbout(findings)
	findings = slices.DeleteFunc(findings, func(f migrate.Finding) bool {
		return slices.ContainsFunc(about, func(j int) bool { return p.read[j] && p.runs[j].Reports(f) })
	})
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
	for _, j := range about {
		if why, ok := p.refused[j]; ok {
			noteUnread(findings, p.runs[j], "its ConfigMap, in this file, was left as it is: "+why)
		}
	}
	return findings, changed
}

// runsAbout returns the runs, by index, that a warning of findings that a script was not
// read may be about: those of its workload (ConfigScriptRun.Reports), so that an item is not
// compared with every run of the list.
func (p *listScripts) runsAbout(findings []migrate.Finding) []int {
	if p.byResource == nil {
		p.byResource = map[migrate.Resource][]int{}
		for j, run := range p.runs {
			p.byResource[run.Resource] = append(p.byResource[run.Resource], j)
		}
	}
	var about []int
	for _, f := range findings {
		if js := p.byResource[f.Resource]; f.Rule == migrate.RuleConfigScript && len(js) > 0 && !slices.Contains(about, js[0]) {
			about = append(about, js...)
		}
	}
	return about
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
