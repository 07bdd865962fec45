package kio

import (
	"bytes"
	"slices"

	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// configScripts edits, once the file is migrated, the ConfigMap scripts that its workloads
// run (migrate.EditConfigScripts), when the ConfigMap is in the same file: the warning that
// the script was not read gives way to the findings of its edit. A file without both a
// ConfigMap and a script run from one is left as it is, unparsed.
func (r *FileResult) configScripts(opts migrate.Options) {
	if r.Err != nil || !bytes.Contains(r.After, []byte("ConfigMap")) || !bytes.Contains(r.After, []byte("configMap")) {
		return
	}
	runs, ok := configScriptRuns(r.Path, r.After, opts)
	if !ok || len(runs) == 0 {
		return
	}
	// Findings are about the file as it was: the first migrated pass may have moved the
	// ConfigMap's lines (a workload before it grew), so each is put back by its document's
	// first line in the input (the pass neither adds nor removes documents).
	before := contentLines(r.Before)
	if len(before) != len(contentLines(r.After)) {
		return
	}
	var found []migrate.Finding
	read := map[int]bool{}
	workarounds := 0
	out, fallbacks, eerr := EditBytes(r.Path, r.After, func(i int, doc *yaml.RNode) (bool, error) {
		e := migrate.EditConfigScripts(doc.YNode(), runs, opts)
		for _, f := range e.Findings {
			f.Line += before[i] - 1
			found = append(found, f)
		}
		for _, j := range e.Read {
			read[j] = true
		}
		workarounds += e.Workarounds
		return e.Changed, nil
	})
	if eerr != nil || len(read) == 0 {
		return
	}
	r.After, r.Fallbacks = out, r.Fallbacks+fallbacks
	r.Stats.Workarounds += workarounds
	// The scripts read are no longer unread: drop the workloads' warnings that said so.
	r.Findings = slices.DeleteFunc(r.Findings, func(f migrate.Finding) bool {
		for j := range read {
			if runs[j].Reports(f) {
				return true
			}
		}
		return false
	})
	r.Findings = append(r.Findings, found...)
	slices.SortStableFunc(r.Findings, func(a, b migrate.Finding) int { return a.Line - b.Line })
}

// configScriptRuns lists the ConfigMap scripts that the workloads of data run. Only the
// documents that may hold a pod are parsed; ok is false when one does not parse.
func configScriptRuns(path string, data []byte, opts migrate.Options) (runs []migrate.ConfigScriptRun, ok bool) {
	for _, d := range yamldoc.Decode(path, data).Docs() {
		if !migrate.MayApply(d.Content) {
			continue
		}
		doc, err := d.Parse()
		if err != nil {
			return nil, false // the migration reported it
		}
		if doc != nil {
			runs = append(runs, migrate.ConfigScriptRuns(doc.Content[0], opts)...)
		}
	}
	return runs, true
}

// contentLines returns the first line of each document of data that holds content: the
// documents EditBytes numbers.
func contentLines(data []byte) []int {
	var lines []int
	for _, d := range yamldoc.Decode("", data).Docs() {
		if yamldoc.HasContent(d.Content) {
			lines = append(lines, d.Line)
		}
	}
	return lines
}
