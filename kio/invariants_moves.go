package kio

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio/udiff"
	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// unmovedContainersKept checks the diff a user sees (with the file's moved blocks) against
// what a reviewer must never have to check: no line of a container that stays where it was,
// an app container or an init container that was already there, is shown removed or added.
// It finds the containers on its own, from the input and output trees, and leaves out what
// may change: a container whose own lines the migration edited (a workaround taken out of
// its script), lines a container shares with a moved one (flow style), and files with a
// formatting fallback, whose documents are written anew.
func unmovedContainersKept(r FileResult, opts migrate.Options) error {
	if r.Fallbacks > 0 {
		return nil
	}
	in, out := yamldoc.Decode(r.Path, r.Before), yamldoc.Decode(r.Path, r.After)
	texts := [2][]string{fileLines(in.Body), fileLines(out.Body)}
	removed, added := udiff.Changes(texts[0], texts[1], r.MovedLines...)
	shown := [2]map[int]bool{lineSet(removed), lineSet(added)}
	ins, outs := in.Docs(), out.Docs()
	for i := 0; i < len(ins) && i < len(outs); i++ {
		if bytes.Equal(ins[i].Content, outs[i].Content) || !migrate.MayApply(ins[i].Content) {
			continue
		}
		x, xerr := ins[i].Parse()
		y, yerr := outs[i].Parse()
		if xerr != nil || yerr != nil || x == nil || y == nil {
			continue // the other invariants say why
		}
		sides := [2]placedContainers{placed(x, ins[i].Line, opts), placed(y, outs[i].Line, opts)}
		if err := keptInDiff(sides, texts, shown); err != nil {
			return fmt.Errorf("document %d: %w", i+1, err)
		}
	}
	return nil
}

// keptInDiff checks one document: sides are its containers in the input and the output,
// texts the files' lines, shown the lines the diff removes (0) and adds (1).
func keptInDiff(sides [2]placedContainers, texts [2][]string, shown [2]map[int]bool) error {
	var movedLines [2]map[int]bool
	for s := range sides {
		movedLines[s] = map[int]bool{}
		for key, sp := range sides[s] {
			if _, stays := sides[1-s][key]; !stays {
				for l := sp.from; l < sp.to; l++ {
					movedLines[s][l] = true
				}
			}
		}
	}
	for key, before := range sides[0] {
		after, stays := sides[1][key]
		if !stays || !sameText(texts[0][before.from:before.to], texts[1][after.from:after.to]) ||
			overlaps(before, movedLines[0]) || overlaps(after, movedLines[1]) {
			continue
		}
		for s, sp := range [2]lineSpan{before, after} {
			for l := sp.from; l < sp.to; l++ {
				if shown[s][l] {
					what := [2]string{"removed", "added"}[s]
					return fmt.Errorf("line %d of %s, which stays where it was, is shown %s in the diff", l+1, key, what)
				}
			}
		}
	}
	return nil
}

// lineSpan is the lines [from, to) of a file, counted from 0, that a container's own
// content is on: from its first key to its last node's line.
type lineSpan struct{ from, to int }

// placedContainers maps "containers NAME" or "initContainers NAME", with the pod spec's
// field, to the lines of that container.
type placedContainers map[string]lineSpan

// placed returns the containers of the pod specs of doc, a document starting at file line
// line (from 1). A name that occurs twice in a list is left out: it cannot be followed.
func placed(doc *yaml.Node, line int, opts migrate.Options) placedContainers {
	out := placedContainers{}
	twice := map[string]bool{}
	for _, spec := range migrate.PodSpecs(doc, opts) {
		for i := 0; i+1 < len(spec.Node.Content); i += 2 {
			list, seq := spec.Node.Content[i].Value, spec.Node.Content[i+1]
			if (list != "containers" && list != "initContainers") || seq.Kind != yaml.SequenceNode {
				continue
			}
			for _, c := range seq.Content {
				key := fmt.Sprintf("%s %s of %s", list, containerName(c), spec.Field)
				if _, seen := out[key]; seen {
					twice[key] = true
				}
				out[key] = lineSpan{from: line + c.Line - 2, to: line + lastLine(c) - 1}
			}
		}
	}
	for key := range twice {
		delete(out, key)
	}
	return out
}

func containerName(c *yaml.Node) string {
	for i := 0; i+1 < len(c.Content); i += 2 {
		if c.Content[i].Value == "name" {
			return c.Content[i+1].Value
		}
	}
	return ""
}

// lastLine returns the largest line of n and the nodes below it.
func lastLine(n *yaml.Node) int {
	last := n.Line
	for _, c := range n.Content {
		last = max(last, lastLine(c))
	}
	return last
}

func sameText(a, b []string) bool {
	return strings.Join(a, "") == strings.Join(b, "")
}

func overlaps(sp lineSpan, lines map[int]bool) bool {
	for l := sp.from; l < sp.to; l++ {
		if lines[l] {
			return true
		}
	}
	return false
}

func lineSet(lines []int) map[int]bool {
	set := make(map[int]bool, len(lines))
	for _, l := range lines {
		set[l] = true
	}
	return set
}

// fileLines splits a file's text after each "\n", as udiff does.
func fileLines(body []byte) []string {
	lines := strings.SplitAfter(string(body), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}
