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
// doc's lines are shifted by shift from d's (an item of a List migrated on its own).
func keepFencesWhole(d yamldoc.Doc, doc *yaml.Node, shift int, decision migrate.Decision, opts migrate.Options) migrate.Decision {
	if !decision.Changed() || decision.Failed() || !splice.HasFence(d.Content) {
		return decision
	}
	warnings, skip := fenceSplits(d, doc, shift, decision, opts)
	if len(warnings) == 0 {
		return decision
	}
	opts.Skip = append(slices.Clip(opts.Skip), skip...)
	again := migrate.Decide(yaml.NewRNode(doc), opts)
	again.Findings = append(again.Findings, warnings...)
	slices.SortStableFunc(again.Findings, func(a, b migrate.Finding) int { return a.Line - b.Line })
	return again
}

// fenceSplits returns a warning for each pod whose moves would part a pair of fence comments,
// and those pods. The layout is of d's lines, so doc is read with its own lines meanwhile.
func fenceSplits(d yamldoc.Doc, doc *yaml.Node, shift int, decision migrate.Decision, opts migrate.Options) (warnings []migrate.Finding, skip []migrate.Resource) {
	shiftLines(doc, -shift)
	defer shiftLines(doc, shift)
	l := splice.Snapshot(d.Content, doc)
	if l == nil {
		return nil, nil
	}
	for _, mv := range decision.Moves {
		for _, item := range movedItems(doc, mv, opts) {
			fence := l.SplitsFence(item)
			if fence == "" {
				continue
			}
			name := containerName(item)
			warnings = append(warnings, migrate.Finding{Rule: migrate.RuleCommentFenceSplit, Severity: migrate.Warning,
				Line: item.Line + shift, Column: item.Column, Resource: mv.Resource, Container: name,
				Field:   mv.Field + ".containers[name=" + name + "]",
				Message: fmt.Sprintf("not moved, and the pod is left alone: the move would part the comment %q from its pair, and a script that cuts what lies between the two would cut the app", fence)})
			skip = append(skip, mv.Resource)
			break
		}
	}
	return warnings, skip
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
