package splice

import (
	"bytes"
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Fences are comment lines that mark a region: "# BEGIN x" ... "# END x", "# [START x]" ...
// "# [END x]", "# <x>" ... "# </x>". Repositories put them around containers (documentation
// snippets, blocks a build script cuts out or replaces), so a closing fence belongs to the
// container above it, not to the one below as other comments between two items do, and a
// pair must never be split: a script that deletes everything between the two would then
// delete what lies between their new places.
var (
	openingFence = regexp.MustCompile(`(?i)^#\s*(?:\[\s*(?:begin|start)\b([^\]]*)\]|(?:begin|start)(?:[_\s:-]+(.*))?|<([^/>][^>]*)>)\s*$`)
	closingFence = regexp.MustCompile(`(?i)^#\s*(?:\[\s*end\b([^\]]*)\]|end(?:[_\s:-]+(.*))?|</([^>]+)>)\s*$`)
)

// positional matches a comment that speaks of a place in the list ("sidecars below", "the
// app above"): it stays where it is when the item below it moves.
var positional = regexp.MustCompile(`(?i)\b(?:above|below|following|preceding)\b`)

// staysUntil returns the line after the last position-relative comment among the head
// comments of sequence item e, or e.start when it has none: the head lines before it stay
// where they are when the item moves.
func (l *Layout) staysUntil(e entry) int {
	if e.node != e.value {
		return e.start
	}
	for i := e.line - 1; i >= e.start; i-- {
		if isComment(l.lines[i]) && positional.MatchString(l.lines[i]) {
			return i + 1
		}
	}
	return e.start
}

// staying returns the head lines that stay in place of the entries, which are not written
// where they were (moved elsewhere, or removed).
func (l *Layout) staying(entries []entry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, l.lines[e.start:l.staysUntil(e)]...)
	}
	return out
}

// fence reports whether line is a fence comment, whether it opens or closes its region, and
// the region's name (lower case, "" when it has none).
func fence(line string) (name string, opens, ok bool) {
	s := strings.TrimSpace(line)
	m := openingFence.FindStringSubmatch(s)
	if m == nil {
		if m = closingFence.FindStringSubmatch(s); m == nil {
			return "", false, false
		}
	} else {
		opens = true
	}
	return strings.ToLower(strings.Trim(m[1]+m[2]+m[3], " _-:")), opens, true
}

func isClosingFence(line string) bool {
	_, opens, ok := fence(line)
	return ok && !opens
}

// itemStart returns the first line of a sequence item whose dash is on line dash, with the
// head comments that belong to it: those directly above it (headStart), but for a closing
// fence among them and the lines above it, which belong to the item before.
func (l *Layout) itemStart(dash, bound, col int) int {
	start := l.headStart(dash, bound, col)
	for i := dash - 1; i >= start; i-- {
		if isClosingFence(l.lines[i]) {
			return i + 1
		}
	}
	return start
}

// SplitsFence returns a fence line that moving item, a sequence item of the tree l was taken
// of, would part from its other half: a fence among the item's lines whose pair is not among
// them. It is "" when the item holds no fence or only whole pairs.
func (l *Layout) SplitsFence(item *yaml.Node) string {
	c := l.owner[item]
	if c == nil {
		return ""
	}
	e := c.entries[indexOfEntry(c, item)]
	var open []string // the opening fences not closed yet, innermost last
	var lines []string
	for _, line := range l.lines[e.start:e.end] {
		name, opens, ok := fence(line)
		switch {
		case !ok:
		case opens:
			open, lines = append(open, name), append(lines, strings.TrimSpace(line))
		case len(open) > 0 && (open[len(open)-1] == name || name == "" || open[len(open)-1] == ""):
			open, lines = open[:len(open)-1], lines[:len(lines)-1]
		default:
			return strings.TrimSpace(line)
		}
	}
	if len(lines) > 0 {
		return lines[0]
	}
	return ""
}

// HasFence reports whether content has a fence comment line: without one no move can part
// a pair.
func HasFence(content []byte) bool {
	if !bytes.Contains(content, []byte("#")) {
		return false
	}
	for _, line := range splitLines(content) {
		if _, _, ok := fence(line); ok {
			return true
		}
	}
	return false
}
