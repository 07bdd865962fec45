package kio

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Scripts of generated ConfigMaps: a workload whose ConfigMap a kustomization beside it
// generates from a file runs that file. The file is edited, as a ConfigMap's key would be,
// when the workload's run is the only one that reads it and the generator the only one of
// that name in the workload's kustomization; its result comes after the files of the run.

// generatedPlanner is a Planner that knows generated ConfigMaps (kustomize.Plan).
type generatedPlanner interface {
	GeneratedConfigMaps() []GeneratedConfigMap
}

// scriptFile is a generated ConfigMap's file to edit: the runs that read it.
type scriptFile struct {
	gen  GeneratedConfigMap
	runs []migrate.ConfigScriptRun
	from []int // the held result of each run
}

// generatedFor returns the generated ConfigMap the run of the file at path reads, and
// whether its kustomization generates one of that name (false: look among the documents).
// why says why none can be read.
func (c *configRepo) generatedFor(path string, run migrate.ConfigScriptRun) (GeneratedConfigMap, bool, string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return GeneratedConfigMap{}, false, ""
	}
	var named []GeneratedConfigMap
	for _, g := range c.generated {
		if g.Name == run.ConfigMap && slices.Contains(g.Resources, abs) {
			named = append(named, g)
		}
	}
	if len(named) == 0 {
		return GeneratedConfigMap{}, false, ""
	}
	var keyed []GeneratedConfigMap
	for _, g := range c.generated {
		switch {
		case g.Name == run.ConfigMap && g.Key == "" && slices.Contains(g.Resources, abs):
			// An overlay's merge or replace: its builds may run another script.
			return g, true, fmt.Sprintf("%s:%d changes a ConfigMap %s of its base (behavior): the script its builds run may not be this one", g.Kustomization, g.Line, g.Name)
		case g.Name == run.ConfigMap && g.Key == run.Key && slices.Contains(g.Resources, abs):
			keyed = append(keyed, g)
		}
	}
	switch {
	case len(keyed) == 0:
		return named[0], true, fmt.Sprintf("the ConfigMap %s generated at %s:%d has no key %q", run.ConfigMap, named[0].Kustomization, named[0].Line, run.Key)
	case len(keyed) > 1:
		return keyed[0], true, fmt.Sprintf("ConfigMap %s is generated more than once beside it (%s:%d, %s:%d)", run.ConfigMap, keyed[0].Kustomization, keyed[0].Line, keyed[1].Kustomization, keyed[1].Line)
	}
	g := keyed[0]
	if g.File == "" {
		return g, true, fmt.Sprintf("it is a literal of the generator at %s:%d: edit it there by hand", g.Kustomization, g.Line)
	}
	if g.Outside {
		return g, true, fmt.Sprintf("it is generated from %s, outside the folder of %s, which kustomize reads only with --load-restrictor LoadRestrictionsNone", g.Path, g.Kustomization)
	}
	if !g.AllNamespaced && g.Namespace != run.Namespace {
		return g, true, fmt.Sprintf("the ConfigMap %s generated at %s:%d is in another namespace, or in none", run.ConfigMap, g.Kustomization, g.Line)
	}
	for _, o := range c.generated {
		if o.File == g.File && (o.Kustomization != g.Kustomization || o.Line != g.Line) {
			return g, true, fmt.Sprintf("%s is also the source of a ConfigMap at %s:%d", g.Path, o.Kustomization, o.Line)
		}
	}
	return g, true, ""
}

// editGenerated edits the script files and drops the warnings of the runs read; it returns
// the results of the files that change or have findings, in order.
func (c *configRepo) editGenerated(files map[string]*scriptFile, order []string) []FileResult {
	var out []FileResult
	for _, f := range order {
		t := files[f]
		r, read, why := editScriptFile(t.gen, t.runs, notGenerator(c.uses), c.opts)
		for j, run := range t.runs {
			if read[j] {
				c.held[t.from[j]].Findings = dropUnread(c.held[t.from[j]].Findings, t.runs[j:j+1], map[int]bool{0: true})
				tie(&r, &c.held[t.from[j]])
				continue
			}
			if why[j] == "" {
				why[j] = "it could not be read"
			}
			c.note(t.from[j], run, fmt.Sprintf("it is generated from %s at %s:%d, which was left as it is: %s", t.gen.Path, t.gen.Kustomization, t.gen.Line, why[j]))
		}
		if r.Changed() || len(r.Findings) > 0 {
			out = append(out, r)
		}
	}
	return out
}

// editScriptFile reads a generated ConfigMap's file as the ConfigMap's key and edits it for
// the runs; the result holds the findings at the file's first changed line (or its first).
func editScriptFile(g GeneratedConfigMap, runs []migrate.ConfigScriptRun, uses []migrate.ConfigMapUse, opts migrate.Options) (FileResult, map[int]bool, map[int]string) {
	r := FileResult{Path: g.Path}
	why := map[int]string{}
	info, err := os.Stat(g.File)
	var data []byte
	if err == nil {
		data, err = os.ReadFile(g.File)
	}
	if err != nil {
		for j := range runs {
			why[j] = err.Error()
		}
		return r, nil, why
	}
	r.Before, r.After, r.Info = data, data, info
	value := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: string(data), Style: yaml.LiteralStyle}
	doc := mapping("apiVersion", str("v1"), "kind", str("ConfigMap"),
		"metadata", mapping("name", str(g.Name), "namespace", str(runs[0].Namespace)), "data", mapping(g.Key, value))
	e := migrate.EditConfigScripts(doc, runs, uses, opts)
	read := map[int]bool{}
	for _, j := range e.Read {
		read[j] = true
	}
	for j, w := range e.Refused {
		why[j] = w
	}
	if e.Changed {
		r.After = []byte(value.Value)
	}
	line := firstChangedLine(r.Before, r.After)
	for _, f := range e.Findings {
		f.Line, f.Column = line, 1
		r.Findings = append(r.Findings, f)
	}
	r.Stats.Workarounds = e.Workarounds
	return r, read, why
}

// firstChangedLine returns the first line where before and after differ, or 1.
func firstChangedLine(before, after []byte) int {
	a, b := strings.Split(string(before), "\n"), strings.Split(string(after), "\n")
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i + 1
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return 1
}

func str(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

func mapping(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kv); i += 2 {
		v, ok := kv[i+1].(*yaml.Node)
		if !ok {
			continue
		}
		m.Content = append(m.Content, str(kv[i].(string)), v)
	}
	return m
}
