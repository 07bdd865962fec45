package kustomize

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A workload left unmigrated because an overlay cannot follow is reported on the base, and
// also where a reviewer has to make the change: on the patch that adds a container to it,
// and on each JSON 6902 operation that addresses its containers by index.

// indexPath matches a JSON pointer into a container list by position.
var indexPath = regexp.MustCompile(`/(init)?[cC]ontainers/[0-9]+(/|$)`)

// blame adds, for every refused workload of the given chains, a warning on each patch step
// that adds a container to it or addresses one by index.
func (p *Plan) blame(chains map[*Workload][]chain) {
	seen := map[string]bool{}
	var ws []*Workload
	for w := range chains {
		if p.refused[w] != "" && p.inScope(w) {
			ws = append(ws, w)
		}
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].File+fmt.Sprint(ws[i].Doc) < ws[j].File+fmt.Sprint(ws[j].Doc) })
	for _, w := range ws {
		why := p.refused[w]
		for _, c := range chains[w] {
			p.blameReplacements(w, c, why, seen)
			for _, s := range c.in.steps {
				if s.patch == nil {
					continue
				}
				named := strings.Contains(why, fmt.Sprintf("%s:%d ", s.patch.Owner.Name, s.patch.Line))
				if !named && (namesPatch(why) || !strings.Contains(why, "would not give the migration")) {
					continue // the reason is another patch's, or no patch's
				}
				file, line, what := p.blameStep(w, s, why)
				if named && what == "" {
					file, line, what = s.patch.Owner.File, s.patch.Line, "this patch cannot follow the migration of its base"
				}
				if what == "" || seen[fmt.Sprint(file, line, w.Resource)] {
					continue
				}
				seen[fmt.Sprint(file, line, w.Resource)] = true
				p.addFinding(file, migrate.Finding{Rule: migrate.RuleKustomizeRefused, Severity: migrate.Warning, Line: line, Column: 1, Resource: w.Resource,
					Message: fmt.Sprintf("%s, so %s (%s) is left unmigrated: %s", what, w.Resource, p.repo.name(w.File), why)})
			}
		}
	}
}

// blameStep returns where a patch step touches the workload's containers in a way the
// reviewer has to look at, and what it does; what is "" when it does neither.
func (p *Plan) blameStep(w *Workload, s step, why string) (string, int, string) {
	pt := s.patch
	file := pt.Path
	if pt.inline {
		file = pt.Owner.File
	}
	docs, err := p.repo.patches.docs(pt)
	if err != nil {
		return "", 0, ""
	}
	if pt.JSON {
		return blameOp(pt, file, docs, why)
	}
	d := docs[s.doc]
	base, err := p.node(w)
	if err != nil {
		return "", 0, ""
	}
	specs := migrate.PodSpecs(base, p.opts)
	for _, ps := range specs {
		path := strings.Split(ps.Field, ".")
		if line, policy := restartPolicyKey(getPath(d.Node, path...)); line > 0 && policy != str(getPath(base, path...), "restartPolicy") {
			if !pt.inline {
				line = d.LineOf(&yaml.Node{Line: line})
			} else {
				line = pt.Line
			}
			return file, line, fmt.Sprintf("this patch sets restartPolicy: %s (another lifecycle than its base's)", policy)
		}
		for _, list := range []string{"containers", "initContainers"} {
			for _, e := range items(get(getPath(d.Node, path...), list)) {
				name := str(e, "name")
				if get(e, "image") != nil && !hasContainer(get(getPath(base, path...), "containers"), name) && !hasContainer(get(getPath(base, path...), "initContainers"), name) {
					line := pt.Line
					if !pt.inline {
						line = d.LineOf(e)
					}
					return file, line, fmt.Sprintf("this patch adds the container %s", name)
				}
			}
		}
	}
	return "", 0, ""
}

// addsContainer matches the path of an operation that adds a container to a list.
var addsContainer = regexp.MustCompile(`/(init)?[cC]ontainers/([0-9]+|-)$`)

// blameOp returns the JSON 6902 operation a reviewer has to change: the one the reason
// names, or else the first that adds a whole container, or else the first that addresses
// a container by index.
func blameOp(pt *Patch, file string, docs []kio.Document, why string) (string, int, string) {
	at := func(n *yaml.Node) int {
		if pt.inline {
			return pt.Line
		}
		return docs[0].LineOf(n)
	}
	for _, n := range ops(docs) {
		op := readOp(n)
		if !strings.Contains(why, op.Op+" "+op.Path+" ") && (op.From == "" || !strings.Contains(why, op.Op+" from "+op.From+":")) {
			continue
		}
		if name := str(op.Value, "name"); name != "" && strings.Contains(op.Path, "ontainers/") && (op.Op == "add" || op.Op == "replace") {
			return file, at(n), fmt.Sprintf("this %s adds the container %s at %s", op.Op, name, op.Path)
		}
		if strings.Contains(why, op.Op+" from "+op.From+":") {
			return file, at(n), fmt.Sprintf("this %s cannot follow the migration (from %s)", op.Op, op.From)
		}
		return file, at(n), fmt.Sprintf("this %s cannot follow the migration (%s)", op.Op, op.Path)
	}
	for _, n := range ops(docs) { // an op that adds a whole container, often the sidecar
		if op := readOp(n); op.Op == "add" && str(op.Value, "name") != "" && addsContainer.MatchString(op.Path) {
			return file, at(n), fmt.Sprintf("this %s adds the container %s at %s", op.Op, str(op.Value, "name"), op.Path)
		}
	}
	for _, n := range ops(docs) {
		op := readOp(n)
		if indexPath.MatchString(op.Path) || indexPath.MatchString(op.From) {
			return file, at(n), fmt.Sprintf("this %s addresses a container by index (%s)", op.Op, op.Path)
		}
	}
	return "", 0, ""
}

// restartPolicyKey returns the line of a pod spec's restartPolicy key and its value, or 0.
func restartPolicyKey(spec *yaml.Node) (int, string) {
	if spec == nil || spec.Kind != yaml.MappingNode {
		return 0, ""
	}
	for i := 0; i+1 < len(spec.Content); i += 2 {
		if spec.Content[i].Value == "restartPolicy" {
			return spec.Content[i].Line, spec.Content[i+1].Value
		}
	}
	return 0, ""
}

// blameReplacements adds a warning on each replacement of the chain that the reason names:
// it reads or writes container fields, which is the line a reviewer has to change.
func (p *Plan) blameReplacements(w *Workload, c chain, why string, seen map[string]bool) {
	for _, r := range c.in.reps {
		key := fmt.Sprint(r.k.File, r.rep.Line, w.Resource)
		if seen[key] || !strings.Contains(why, fmt.Sprintf("replacement at %s:%d ", r.k.Name, r.rep.Line)) {
			continue
		}
		seen[key] = true
		p.addFinding(r.k.File, migrate.Finding{Rule: migrate.RuleKustomizeRefused, Severity: migrate.Warning, Line: r.rep.Line, Column: 1, Resource: w.Resource,
			Message: fmt.Sprintf("this replacement reads or writes container fields, which the migration moves, so %s (%s) is left unmigrated", w.Resource, p.repo.name(w.File))})
	}
}

// patchRef matches the name of a patch in a reason, "FILE:LINE (FIELD[N]".
var patchRef = regexp.MustCompile(`:[0-9]+ \((patches|patchesStrategicMerge|patchesJson6902)\[`)

func namesPatch(why string) bool { return patchRef.MatchString(why) }
