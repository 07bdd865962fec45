package kio

import (
	"bytes"
	"slices"
	"sort"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/internal/linediff"
	"github.com/sidecar-migrate/sidecar-migrate/kio/udiff"
	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Workloads decided again with their scripts: when reading a ConfigMap script of the same
// file changes the workload too (the Cloud SQL proxy's --quitquitquit that only the script
// called), and the change moves nothing, the workload is migrated again with the script
// inline (migrate.ConfigScriptRun.Redo), then the script is read as before. The workload's
// findings that the second decision makes replace those of the first (the switch that
// stayed, now removed). The blocks of lines the file's migration moved follow the lines the
// second decision removes inside them (remapMoves).

// redo decides again the workloads of the runs in redo (their scripts by run index), reads
// their scripts, and returns the runs whose script was read.
func (r *FileResult) redo(runs []migrate.ConfigScriptRun, redo map[int]string, opts migrate.Options, moved []docMoves) []int {
	if len(redo) == 0 {
		return nil
	}
	order := make([]int, 0, len(redo))
	for j := range redo {
		order = append(order, j)
	}
	slices.Sort(order)
	before := contentLines(r.Before)
	var found []migrate.Finding
	done := map[int]bool{}
	out, fallbacks, err := EditBytes(r.Path, r.After, func(i int, doc *yaml.RNode) (bool, error) {
		changed := false
		for _, j := range order {
			res, ok := runs[j].Redo(doc.YNode(), redo[j], opts)
			if !ok {
				continue
			}
			done[j], changed = true, true
			for _, f := range res.Findings {
				if f.Container != runs[j].Container {
					f.Line += before[i] - 1
					found = append(found, f)
				}
			}
		}
		return changed, nil
	})
	if err != nil || len(done) == 0 {
		return nil
	}
	remapped, ok := remapMoves(r.Path, r.After, out, moved)
	if !ok {
		return nil
	}
	old := *r
	r.After, r.Fallbacks = out, r.Fallbacks+fallbacks
	again, ok := configScriptRuns(r.Path, r.After, opts)
	var mine []migrate.ConfigScriptRun
	for _, run := range again {
		for j := range done {
			if run.Resource == runs[j].Resource && run.Container == runs[j].Container && run.Key == runs[j].Key {
				mine = append(mine, run)
			}
		}
	}
	e := r.editConfigMaps(mine, r.configUses, opts)
	if !ok || len(e.read) != len(mine) {
		*r = old // the script is not read with the workload as it decides it: neither changes
		return nil
	}
	copy(moved, remapped)
	r.Findings = dropUnread(r.Findings, mine, e.read)
	r.Findings = replaceFindings(r.Findings, found)
	var read []int
	for j := range done {
		read = append(read, j)
	}
	slices.Sort(read)
	return read
}

// remapMoves returns the moved blocks of lines of each document (docMoves, lines from 0 in
// the document after) as they are once the document's text went from before to after by
// edits that keep the first line of every block and the line after it; false when one does
// not.
func remapMoves(path string, before, after []byte, moved []docMoves) ([]docMoves, bool) {
	if len(moved) == 0 {
		return nil, true
	}
	was, is := yamldoc.Decode(path, before).Docs(), yamldoc.Decode(path, after).Docs()
	if len(was) != len(is) {
		return nil, false
	}
	out := make([]docMoves, len(moved))
	for k, dm := range moved {
		out[k] = dm
		if dm.index >= len(was) || bytes.Equal(was[dm.index].Content, is[dm.index].Content) {
			continue
		}
		a, b := docLines(was[dm.index].Content), docLines(is[dm.index].Content)
		if len(a) == len(b) {
			continue // lines edited in place: every block is where it was
		}
		anchors := linediff.Anchors(a, b)
		out[k].moves = slices.Clone(dm.moves)
		for x, m := range dm.moves {
			from, ok1 := mapLine(a, b, anchors, m.After.From)
			to, ok2 := len(b), true // the line after the block, or the end
			if m.After.To < len(a) {
				to, ok2 = mapLine(a, b, anchors, m.After.To)
			}
			if !ok1 || !ok2 {
				return nil, false
			}
			out[k].moves[x].After = udiff.Lines{From: from, To: to}
		}
	}
	return out, true
}

// mapLine returns where line k of a is in b: after the last anchor at or above it, as far
// below it as k is below the anchor, when that line of b is line k of a.
func mapLine(a, b []string, anchors [][2]int, k int) (int, bool) {
	at := sort.Search(len(anchors), func(i int) bool { return anchors[i][0] > k }) - 1
	if at < 0 {
		return 0, false
	}
	j := anchors[at][1] + k - anchors[at][0]
	return j, j < len(b) && b[j] == a[k]
}

func docLines(text []byte) []string { return strings.SplitAfter(string(text), "\n") }

// replaceFindings replaces, in findings, those of the rules and containers of a workload
// that the second decision, found, made. The second decision read the migrated file: each
// of its findings takes the line, in the file as it was, of the first decision's finding
// of the same rule and container, or of the same container.
func replaceFindings(findings, found []migrate.Finding) []migrate.Finding {
	for i, g := range found {
		same, rule := 0, 0
		for _, f := range findings {
			if f.Resource == g.Resource && f.Container == g.Container {
				if same == 0 {
					same = f.Line
				}
				if f.Rule == g.Rule && rule == 0 {
					rule = f.Line
				}
			}
		}
		if rule > 0 {
			found[i].Line = rule
		} else if same > 0 {
			found[i].Line = same
		}
	}
	out := slices.DeleteFunc(findings, func(f migrate.Finding) bool {
		return slices.ContainsFunc(found, func(g migrate.Finding) bool {
			return g.Rule == f.Rule && g.Resource == f.Resource && g.Container == f.Container
		})
	})
	out = append(out, found...)
	slices.SortStableFunc(out, func(a, b migrate.Finding) int { return a.Line - b.Line })
	return out
}
