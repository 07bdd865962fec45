package kio

import (
	"fmt"
	"slices"

	"github.com/sidecar-migrate/sidecar-migrate/kio/splice"
	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// keepFencesWhole returns decision, or when a move it decided would part a pair of fence
// comments (splice.Layout.SplitsFence), the decision taken again with those pods left alone
// and a warning for each. Only a document with a fence comment is looked at this closely.
func keepFencesWhole(d yamldoc.Doc, doc *yaml.Node, decision migrate.Decision, opts migrate.Options) migrate.Decision {
	if !decision.Changed() || decision.Failed() || !splice.HasFence(d.Content) {
		return decision
	}
	l := splice.Snapshot(d.Content, doc)
	if l == nil {
		return decision
	}
	var warnings []migrate.Finding
	skip := slices.Clip(opts.Skip)
	for _, mv := range decision.Moves {
		for _, item := range movedItems(doc, mv, opts) {
			fence := l.SplitsFence(item)
			if fence == "" {
				continue
			}
			name := containerName(item)
			warnings = append(warnings, migrate.Finding{Rule: migrate.RuleCommentFenceSplit, Severity: migrate.Warning,
				Line: item.Line, Column: item.Column, Resource: mv.Resource, Container: name,
				Field:   mv.Field + ".containers[name=" + name + "]",
				Message: fmt.Sprintf("not moved, and the pod is left alone: the move would part the comment %q from its pair, and a script that cuts what lies between the two would cut the app", fence)})
			skip = append(skip, mv.Resource)
			break
		}
	}
	if len(warnings) == 0 {
		return decision
	}
	opts.Skip = skip
	again := migrate.Decide(yaml.NewRNode(doc), opts)
	again.Findings = append(again.Findings, warnings...)
	slices.SortStableFunc(again.Findings, func(a, b migrate.Finding) int { return a.Line - b.Line })
	return again
}

// movedItems returns the items of the containers list of the pod spec mv is about (doc not
// yet edited) that mv moves to initContainers.
func movedItems(doc *yaml.Node, mv migrate.Move, opts migrate.Options) []*yaml.Node {
	var items []*yaml.Node
	for _, spec := range migrate.PodSpecs(doc, opts) {
		if spec.Field != mv.Field {
			continue
		}
		for i := 0; i+1 < len(spec.Node.Content); i += 2 {
			if spec.Node.Content[i].Value != "containers" {
				continue
			}
			list := spec.Node.Content[i+1].Content
			for j, p := range mv.Containers {
				if p.Init && j < len(list) {
					items = append(items, list[j])
				}
			}
		}
	}
	return items
}
