package kio

import (
	"bytes"
	"slices"

	"github.com/sidecar-migrate/sidecar-migrate/kio/udiff"
	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// configScripts edits, once the file is migrated, the ConfigMap scripts that its workloads
// run (migrate.EditConfigScripts), when the ConfigMap is in the same file: the warning that
// the script was not read gives way to the findings of its edit. A file without both a
// ConfigMap and a script run from one is left as it is, unparsed.
func (r *FileResult) configScripts(opts migrate.Options, moved []docMoves) {
	if r.Err != nil || !bytes.Contains(r.After, []byte("ConfigMap")) || !bytes.Contains(r.After, []byte("configMap")) {
		return
	}
	runs, ok := configScriptRuns(r.Path, r.After, opts)
	if !ok || len(runs) == 0 {
		return
	}
	// Anything else of the file that names the ConfigMap by a plain value may read it too.
	r.configUses = append(r.configUses, nameUses(r.Path, r.After, runNames(runs), opts)...)
	unedited := r.snapshot()
	e := r.editConfigMaps(runs, r.configUses, opts)
	// The scripts read are no longer unread: drop the workloads' warnings that said so; the
	// others say why they were not.
	r.Findings = dropUnread(r.Findings, runs, e.read)
	redone := r.redo(runs, e.redo, opts, moved)
	for _, j := range redone {
		delete(e.refused, j)
	}
	for j, why := range e.refused {
		noteUnread(r.Findings, runs[j], "its ConfigMap, in this file, was left as it is: "+why)
	}
	if len(e.read) > 0 || len(redone) > 0 {
		// Another file of the run may use the ConfigMap too: the step over the run's files
		// (configscripts_tree.go) undoes the edit then.
		r.edited = &sameFileEdit{unedited: unedited}
		for j := range runs {
			if e.read[j] || slices.Contains(redone, j) {
				r.edited.runs = append(r.edited.runs, runs[j])
			}
		}
		for j, why := range e.refused {
			noteUnread(r.edited.unedited.Findings, runs[j], "its ConfigMap, in this file, was left as it is: "+why)
		}
	}
}

// sameFileEdit is a file whose ConfigMap scripts were edited for the runs of its own
// workloads, with the file as it was before.
type sameFileEdit struct {
	unedited FileResult
	runs     []migrate.ConfigScriptRun
}

// snapshot returns a copy of r that the edits of r's ConfigMaps leave as it is.
func (r *FileResult) snapshot() FileResult {
	s := *r
	s.Findings = slices.Clone(r.Findings)
	s.MovedLines = slices.Clone(r.MovedLines)
	s.Moved = slices.Clone(r.Moved)
	return s
}

// editConfigMaps edits the scripts that runs run in the ConfigMaps of r, once r is migrated,
// and adds the findings of each edit at its key's line; it returns the runs whose script was
// read, by index, and why the others it holds were not. r is left as it was when nothing was
// read.
func (r *FileResult) editConfigMaps(runs []migrate.ConfigScriptRun, uses []migrate.ConfigMapUse, opts migrate.Options) (e configEdit) {
	// Findings are about the file as it was: the first migrated pass may have moved the
	// ConfigMap's lines (a workload before it grew), so each is put back by its document's
	// first line in the input (the pass neither adds nor removes documents).
	before := contentLines(r.Before)
	if len(before) != len(contentLines(r.After)) {
		return e
	}
	var found []migrate.Finding
	read, refused, redo := map[int]bool{}, map[int]string{}, map[int]string{}
	workarounds := 0
	out, fallbacks, eerr := EditBytes(r.Path, r.After, func(i int, doc *yaml.RNode) (bool, error) {
		e := migrate.EditConfigScripts(doc.YNode(), runs, uses, opts)
		for _, f := range e.Findings {
			f.Line += before[i] - 1
			found = append(found, f)
		}
		for _, j := range e.Read {
			read[j] = true
		}
		for j, why := range e.Refused {
			refused[j] = why
		}
		for j, script := range e.Redo {
			redo[j] = script
		}
		workarounds += e.Workarounds
		return e.Changed, nil
	})
	e.refused, e.redo = refused, redo
	if eerr != nil {
		return configEdit{err: eerr}
	}
	if len(read) == 0 {
		return e
	}
	r.MovedLines = shiftMoves(r.Path, r.After, out, r.MovedLines)
	r.After, r.Fallbacks = out, r.Fallbacks+fallbacks
	r.Stats.Workarounds += workarounds
	r.Findings = append(r.Findings, found...)
	slices.SortStableFunc(r.Findings, func(a, b migrate.Finding) int { return a.Line - b.Line })
	e.read = read
	return e
}

// noteUnread adds why to the warning that the run's script was not read.
func noteUnread(findings []migrate.Finding, run migrate.ConfigScriptRun, why string) {
	for i := range findings {
		if run.Reports(findings[i]) {
			findings[i].Message += "; " + why
		}
	}
}

// configEdit is what editConfigMaps did: the runs whose script it read, and why it read
// none of the others its ConfigMaps hold, by index.
type configEdit struct {
	read    map[int]bool
	refused map[int]string
	redo    map[int]string // the scripts whose reading changes the workload: see redo
	err     error          // the file could not be edited
}

// shiftMoves returns the moved blocks of lines of a file whose content went from before to
// after by edits that changed no moved block: each block follows its document's first line.
func shiftMoves(path string, before, after []byte, moves []udiff.Move) []udiff.Move {
	if len(moves) == 0 {
		return moves
	}
	was, is := contentLines(before), contentLines(after)
	out := slices.Clone(moves)
	for i, m := range out {
		k := 0
		for k+1 < len(was) && was[k+1]-1 <= m.After.From { // lines of documents from 1, of moves from 0
			k++
		}
		if k < len(is) {
			d := is[k] - was[k]
			out[i].After.From, out[i].After.To = m.After.From+d, m.After.To+d
		}
	}
	return out
}

// dropUnread drops from findings the warnings that the scripts of the runs read were not.
func dropUnread(findings []migrate.Finding, runs []migrate.ConfigScriptRun, read map[int]bool) []migrate.Finding {
	return slices.DeleteFunc(findings, func(f migrate.Finding) bool {
		for j := range read {
			if runs[j].Reports(f) {
				return true
			}
		}
		return false
	})
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
