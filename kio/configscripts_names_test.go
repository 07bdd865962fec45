package kio

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A document that holds the name and does not parse may name the ConfigMap: it counts; one
// that does not hold the name is not parsed.
func TestNameUsesUnparsed(t *testing.T) {
	data := "a: [job-scripts\n---\nb: [other\n---\nkind: Role\nmetadata: {name: r}\nrules: [{resourceNames: [job-scripts]}]\n"
	uses := nameUses("x.yaml", []byte(data), map[string]bool{"job-scripts": true}, migrate.Options{})
	require.Len(t, uses, 2)
	assert.Equal(t, "a document that does not parse, at line 1,", uses[0].Field)
	assert.Equal(t, "Role/r (rules[0].resourceNames[0])", uses[1].String())
	assert.Nil(t, nameUses("x.yaml", []byte(data), map[string]bool{"web": true}, migrate.Options{}))
}

// At the end of the run, a file that cannot be read again may name the ConfigMap of a
// pending edit: it counts; a file that is gone names nothing; no pending edit, no search.
func TestAddNameUsesUnreadable(t *testing.T) {
	dir := t.TempDir()
	held := []FileResult{{Path: "job.yaml", config: &configNote{runs: []migrate.ConfigScriptRun{{ConfigMap: "job-scripts"}}}}}
	files := []runFile{{path: dir, held: -1}, {path: filepath.Join(dir, "gone.yaml"), held: -1}}
	c := configRepo{held: held, files: files}
	c.addNameUses()
	require.Len(t, c.uses, 1)
	assert.True(t, c.uses[0].Unread)
	assert.True(t, strings.HasPrefix(c.uses[0].Reason(), "it may be named by "+dir+", which could not be read again"))

	c = configRepo{held: []FileResult{{Path: "job.yaml"}}, files: files}
	c.addNameUses()
	assert.Empty(t, c.uses)
}
