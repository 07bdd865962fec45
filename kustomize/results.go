package kustomize

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// finish turns the decision into findings, skip lists and the new content of the patches.
// It reports false when writing a patch failed and the decision must be made again.
func (p *Plan) finish(uses map[docKey][]use) bool {
	bySource, sources := editsBySource(uses, p.refused)
	if !p.editPatches(uses, bySource, sources) {
		return false
	}
	for _, r := range p.edits {
		sort.SliceStable(r.Findings, func(i, j int) bool { return r.Findings[i].Line < r.Findings[j].Line })
	}
	p.reportBuilt()
	for w, why := range p.refused {
		if !p.inScope(w) {
			continue
		}
		p.addFinding(w.File, migrate.Finding{Rule: migrate.RuleKustomizeRefused, Severity: migrate.Warning, Line: w.Line, Column: 1, Resource: w.Resource,
			Message: "left unmigrated, so that its overlays keep building: " + why})
	}
	for file := range p.findings {
		sort.SliceStable(p.findings[file], func(i, j int) bool { return p.findings[file][i].Line < p.findings[file][j].Line })
	}
	listed := map[string]bool{}
	for w := range p.refused { // the files with a refused workload: skipList is empty for any other
		if !listed[w.File] && p.scope.has(w.File) {
			listed[w.File] = true
			p.skip[w.File] = p.skipList(w.File)
		}
	}
	return true
}

// edited is what the decision does to one patch source: the edits of its documents, and the
// workloads they follow.
type edited struct {
	patch *Patch
	docs  map[int]patchEdit
	by    []migrate.Resource
}

// editsBySource groups the edits that are not refused by patch source, sources sorted.
func editsBySource(uses map[docKey][]use, refused map[*Workload]string) (map[string]*edited, []string) {
	bySource := map[string]*edited{}
	var sources []string
	for key, list := range uses {
		for _, u := range list {
			if u.edit.identity() || refused[u.w] != "" {
				continue
			}
			e := bySource[key.source]
			if e == nil {
				e = &edited{patch: u.patch, docs: map[int]patchEdit{}}
				bySource[key.source] = e
				sources = append(sources, key.source)
			}
			e.docs[key.doc] = u.edit
			e.by = append(e.by, u.w.Resource)
		}
	}
	sort.Strings(sources)
	return bySource, sources
}

// editPatches writes the edits into the patches: patch files whole, inline patches through
// their kustomization file. It reports false when one could not be written.
func (p *Plan) editPatches(uses map[docKey][]use, bySource map[string]*edited, sources []string) bool {
	inline := map[string][]*edited{}
	for _, src := range sources {
		e := bySource[src]
		if e.patch.inline {
			inline[e.patch.Owner.File] = append(inline[e.patch.Owner.File], e)
			continue
		}
		data, err := os.ReadFile(e.patch.Path)
		var edit kio.Edited
		if err == nil {
			edit, err = kio.EditFile(e.patch.Path, data, func(i int, doc *yaml.RNode) (bool, error) {
				pe, ok := e.docs[i]
				if ok {
					pe.apply(root(doc.YNode()))
				}
				return ok, nil
			})
		}
		if err != nil {
			return p.failEdit(uses, src, err)
		}
		docs, err := p.repo.patches.docs(e.patch)
		if err != nil {
			return p.failEdit(uses, src, err)
		}
		r := p.result(e.patch.Path, data, edit.Out, edit.Fallbacks)
		r.MovedLines = edit.Moves
		for i, pe := range e.docs {
			r.Findings = append(r.Findings, editFinding(pe, ops(docs), docs[i].LineOf(docs[i].Node), e.by))
		}
	}
	return p.editInline(uses, inline)
}

// editInline writes the edits of inline patches into their kustomization files.
func (p *Plan) editInline(uses map[docKey][]use, inline map[string][]*edited) bool {
	for file, list := range inline {
		data, err := os.ReadFile(file)
		var out []byte
		var fallbacks int
		if err == nil {
			out, fallbacks, err = kio.EditBytes(file, data, func(_ int, doc *yaml.RNode) (bool, error) {
				for _, e := range list {
					n := inlineNode(root(doc.YNode()), e.patch)
					if n == nil {
						return false, fmt.Errorf("%s: the inline patch moved", e.patch)
					}
					inner, fb, err := kio.EditBytes(e.patch.Owner.File, []byte(n.Value), func(i int, d *yaml.RNode) (bool, error) {
						pe, ok := e.docs[i]
						if ok {
							pe.apply(root(d.YNode()))
						}
						return ok, nil
					})
					if err != nil {
						return false, err
					}
					fallbacks += fb
					if !strings.HasSuffix(n.Value, "\n") {
						// The edit ends the text with a line break; one the scalar did not
						// have (|-) would change its style, and the rest of the file's layout
						// with it.
						inner = bytes.TrimSuffix(inner, []byte("\n"))
					}
					n.Value = string(inner)
				}
				return true, nil
			})
		}
		if err != nil {
			return p.failEdit(uses, list[0].patch.source(), err)
		}
		r := p.result(file, data, out, fallbacks)
		for _, e := range list {
			docs, err := p.repo.patches.docs(e.patch)
			if err != nil {
				return p.failEdit(uses, e.patch.source(), err)
			}
			for _, pe := range e.docs {
				r.Findings = append(r.Findings, editFinding(pe, ops(docs), e.patch.Line, e.by))
			}
		}
	}
	return true
}

// failEdit refuses the workloads of a patch that could not be written.
func (p *Plan) failEdit(uses map[docKey][]use, source string, err error) bool {
	for key, list := range uses {
		if key.source != source {
			continue
		}
		for _, u := range list {
			p.refuse(u.w, fmt.Sprintf("%s could not be edited: %v", u.patch, err))
		}
	}
	p.edits = map[string]*kio.FileResult{}
	return false
}

func (p *Plan) result(file string, before, after []byte, fallbacks int) *kio.FileResult {
	r := &kio.FileResult{Path: p.pathOf(file), Before: before, After: after, Fallbacks: fallbacks}
	p.edits[file] = r
	return r
}

// pathOf returns the path of a file as the walk names it, or as it is displayed.
func (p *Plan) pathOf(abs string) string {
	return p.repo.name(abs)
}

// editFinding says how a patch follows its base; ops are its operations, for a JSON 6902 patch.
func editFinding(e patchEdit, ops []*yaml.Node, line int, by []migrate.Resource) migrate.Finding {
	return migrate.Finding{Rule: migrate.RuleKustomizePatch, Severity: migrate.Info, Line: line, Column: 1, Resource: by[0], Fixed: true,
		Message: fmt.Sprintf("the patch follows the migration of its base: %s", e.describe(ops))}
}

func root(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return n.Content[0]
	}
	return n
}

// inlineNode finds the scalar that holds an inline patch in a kustomization's tree.
func inlineNode(k *yaml.Node, pt *Patch) *yaml.Node {
	list := items(get(k, pt.Field))
	if pt.Entry >= len(list) {
		return nil
	}
	n := list[pt.Entry]
	if pt.Field != "patchesStrategicMerge" {
		n = get(n, "patch")
	}
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil
	}
	return n
}

// Input completes an input of the walk: the workloads of its file to leave alone, and the
// result of a patch or kustomization file, which the plan writes instead of the migration.
func (p *Plan) Input(in kio.Input) kio.Input {
	if p == nil {
		return in
	}
	abs, err := p.abs(in.Path)
	if err != nil {
		return in
	}
	in.Skip = p.skip[abs]
	if r, ok := p.edits[abs]; ok {
		r.Path = in.Path
		in.Result = r
	} else if p.patchFiles[abs] {
		in.Result = &kio.FileResult{Path: in.Path}
	}
	return in
}

// Complete adds the plan's findings about a file to its result.
func (p *Plan) Complete(r *kio.FileResult) {
	if p == nil {
		return
	}
	abs, err := p.abs(r.Path)
	if err != nil {
		return
	}
	if p.consumed[abs] {
		return
	}
	if _, ok := p.findings[abs]; ok {
		p.consumed[abs] = true // only these: the plan keeps nothing per file it has nothing for
	}
	r.Findings = append(r.Findings, p.findings[abs]...)
	sort.SliceStable(r.Findings, func(i, j int) bool { return r.Findings[i].Line < r.Findings[j].Line })
}

// Rest returns the results the walk did not reach: edits of kustomization files that it
// does not take (a file named Kustomization), and findings about files outside it.
func (p *Plan) Rest() []kio.FileResult {
	if p == nil {
		return nil
	}
	var files []string
	for f := range p.edits {
		files = append(files, f)
	}
	for f := range p.findings {
		if _, ok := p.edits[f]; !ok {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	var out []kio.FileResult
	for _, f := range files {
		if p.scope.has(f) || p.consumed[f] {
			continue // the walk hands it out, or did
		}
		r := kio.FileResult{Path: p.pathOf(f)}
		if e, ok := p.edits[f]; ok {
			r = *e
		}
		r.Findings = append(r.Findings, p.findings[f]...)
		p.consumed[f] = true
		out = append(out, r)
	}
	return out
}
