package kustomize

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
)

// The common kustomize shape of a Job's script: configMapGenerator: [{name: x, files:
// [run.sh]}], the script a plain file beside the kustomization, and the Job, a resource of
// the same kustomization, mounting ConfigMap x (kustomize rewrites the reference to the
// generated name). The plan lists these ConfigMaps for the step over ConfigMap scripts of
// package kio, which edits the script file when the Job's run of it is the only one.

// GeneratedConfigMaps returns, for every configMapGenerator entry of a kustomization under
// the given paths, each key it makes from a file under the kustomization's folder, with the
// resource files built beside it. An entry that merges into or replaces a base's generator
// (behavior) is listed without its files: it makes the name ambiguous.
func (p *Plan) GeneratedConfigMaps() []kio.GeneratedConfigMap {
	if p == nil {
		return nil
	}
	return p.generatedMaps
}

// listGenerated lists the generated ConfigMaps while the plan still knows the resource
// files and what each root reads (release lets go of them).
func (p *Plan) listGenerated() []kio.GeneratedConfigMap {
	var out []kio.GeneratedConfigMap
	for _, k := range p.repo.kusts {
		if k == nil {
			continue
		}
		if p.kustomizations[k.File] {
			out = append(out, p.generated(k)...)
		}
		k.generators = nil // the plan lists them once: the tree is not kept
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kustomization != out[j].Kustomization {
			return out[i].Kustomization < out[j].Kustomization
		}
		return out[i].Line < out[j].Line
	})
	return out
}

// generated reads the configMapGenerator entries of one kustomization, as parsed with it.
func (p *Plan) generated(k *Kustomization) []kio.GeneratedConfigMap {
	list := k.generators
	if list == nil {
		return nil
	}
	var resources []string
	for _, e := range k.Resources {
		if f := filepath.Join(k.Dir, e.Value); p.repo.resources[f] {
			resources = append(resources, f)
		}
	}
	var out []kio.GeneratedConfigMap
	for _, g := range items(list) {
		gen := kio.GeneratedConfigMap{Name: str(g, "name"), Namespace: str(g, "namespace"), Kustomization: p.pathOf(k.File),
			Line: g.Line, Resources: resources}
		if k.Namespace != "" {
			gen.Namespace, gen.AllNamespaced = k.Namespace, true // and every resource's
		}
		if b := str(g, "behavior"); b != "" && b != "create" {
			gen.Resources = p.builtBy(k) // it changes a ConfigMap of the builds that include it
			out = append(out, gen)
			continue
		}
		for _, l := range entries(get(g, "literals")) {
			key, _, _ := strings.Cut(l.Value, "=")
			e := gen
			e.Key, e.Line = key, l.Line // no File: the script is in the kustomization
			out = append(out, e)
		}
		for _, f := range entries(get(g, "files")) {
			key, file, found := strings.Cut(f.Value, "=")
			if !found {
				key, file = filepath.Base(f.Value), f.Value
			}
			if isRemote(file) {
				continue
			}
			abs := filepath.Join(k.Dir, file)
			e := gen
			e.Key, e.File, e.Path, e.Line = key, abs, p.pathOf(abs), f.Line
			// Outside the kustomization's folder kustomize builds it only without its load
			// restrictor: listed, so that a file two generators read is never edited, but
			// not edited itself.
			rel, err := filepath.Rel(k.Dir, abs)
			e.Outside = err != nil || strings.HasPrefix(rel, "..")
			out = append(out, e)
		}
	}
	return out
}

// builtBy returns the files read by the builds of the roots that include k.
func (p *Plan) builtBy(k *Kustomization) []string {
	var out []string
	for _, r := range p.roots {
		if !r.Files[k.File] {
			continue
		}
		for f := range r.Files {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}
