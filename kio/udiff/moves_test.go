package udiff

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A sidecar block longer than the app's, moved above it. The minimal line diff keeps the
// sidecar's lines and shows the app removed and added; given the move, the diff shows the
// sidecar moving and keeps every line of the app.
const (
	swapBefore = "spec:\n" +
		"  containers:\n" +
		"  - name: web\n" +
		"    image: web\n" +
		"  - name: proxy\n" +
		"    image: proxy\n" +
		"    args: [run]\n" +
		"    ports: [15090]\n"
	swapAfter = "spec:\n" +
		"  initContainers:\n" +
		"  - name: proxy\n" +
		"    restartPolicy: Always\n" +
		"    image: proxy\n" +
		"    args: [run]\n" +
		"    ports: [15090]\n" +
		"  containers:\n" +
		"  - name: web\n" +
		"    image: web\n"
)

var swapMove = Move{Before: Lines{4, 8}, After: Lines{2, 7}}

func TestUnifiedMoveKeepsTheStayingLines(t *testing.T) {
	plain := string(Unified("app.yaml", []byte(swapBefore), []byte(swapAfter)))
	assert.Contains(t, plain, "-  - name: web\n", "without the move, the app is shown removed")

	got := string(Unified("app.yaml", []byte(swapBefore), []byte(swapAfter), swapMove))
	assert.Equal(t, diffHead+"@@ -1,8 +1,10 @@\n"+
		" spec:\n"+
		"+  initContainers:\n"+
		"+  - name: proxy\n"+
		"+    restartPolicy: Always\n"+
		"+    image: proxy\n"+
		"+    args: [run]\n"+
		"+    ports: [15090]\n"+
		"   containers:\n"+
		"   - name: web\n"+
		"     image: web\n"+
		"-  - name: proxy\n"+
		"-    image: proxy\n"+
		"-    args: [run]\n"+
		"-    ports: [15090]\n", got)

	removed, added := Changes(diffLines(swapBefore), diffLines(swapAfter), swapMove)
	assert.Equal(t, []int{4, 5, 6, 7}, removed)
	assert.Equal(t, []int{1, 2, 3, 4, 5, 6}, added)
}

// The same move in the second of three documents, whose lines are diffed document by
// document: only that document's lines are pinned, and git applies the diff.
func TestUnifiedMoveInOneDocument(t *testing.T) {
	doc := "kind: ConfigMap\n"
	before := doc + "---\n" + swapBefore + "---\n" + doc
	after := doc + "---\n" + swapAfter + "---\n" + doc
	m := Move{Before: Lines{swapMove.Before.From + 2, swapMove.Before.To + 2}, After: Lines{swapMove.After.From + 2, swapMove.After.To + 2}}
	got := string(Unified("app.yaml", []byte(before), []byte(after), m))
	assert.Contains(t, got, "   - name: web\n")
	assert.NotContains(t, got, "-  - name: web\n")
	assert.Equal(t, 4, strings.Count(got, "\n-  "), "the sidecar's four lines are removed")

	requireGit(t)
	assert.Equal(t, after, string(gitApply(t, gitRepo(t), "app.yaml", []byte(before), []byte(got))))
}

// Moves that touch no line of a segment leave it as it was, and ranges that run past the
// lines are cut.
func TestPinned(t *testing.T) {
	lines := []string{"a\n", "b\n", "c\n"}
	assert.Equal(t, lines, pinned(lines, 10, []Lines{{0, 5}, {20, 30}}, "a"))
	assert.Equal(t, []string{"a\n", "\na11", "\na12"}, pinned(lines, 10, []Lines{{0, 5}, {11, 30}}, "a"))
	assert.Equal(t, []string{"a\n", "b\n", "c\n"}, lines, "the lines themselves are not changed")
}
