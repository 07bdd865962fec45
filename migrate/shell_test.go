package migrate

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestEditedScriptsKeepStatements checks every golden case whose scripts changed: each edited
// script parses, and each of its statements was in the original script (as printed by the
// shell printer), or is what a workaround removal leaves of one: the background process now
// run with exec, the left side of `cmd && curl .../quitquitquit`, a command without its
// kubexit wrapper, linkerd-await without --shutdown.
func TestEditedScriptsKeepStatements(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	require.NoError(t, err)
	checked := 0
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		require.NoError(t, err)
		sections := map[string]string{}
		for _, f := range ar.Files {
			sections[f.Name] = string(f.Data)
		}
		in, out := scripts(t, sections["input.yaml"]), scripts(t, sections["output.yaml"])
		for name, edited := range out {
			orig, ok := in[name]
			if !ok || orig == edited {
				continue
			}
			checked++
			before, err := parseShell(orig)
			require.NoError(t, err, "%s: %s", file, name)
			after, err := parseShell(edited)
			require.NoError(t, err, "%s: %s: the edited script does not parse", file, name)
			kept := map[string]bool{}
			for _, s := range before.Stmts {
				kept[printNode(s)] = true
				bg := *s
				bg.Background = false
				kept["exec "+printNode(&bg)] = true
				if bin, ok := s.Cmd.(*syntax.BinaryCmd); ok {
					kept[printNode(bin.X)] = true
				}
				if call := leadingCall(s); call != nil && len(call.Args) > 1 && strings.HasSuffix(call.Args[0].Lit(), "kubexit") {
					args := call.Args
					call.Args = args[1:]
					kept[printNode(s)] = true
					call.Args = args
				}
				if call := leadingCall(s); call != nil && len(call.Args) > 2 && call.Args[1].Lit() == "--shutdown" {
					args := call.Args
					call.Args = append(append([]*syntax.Word{}, args[0]), args[2:]...)
					kept[printNode(s)] = true
					call.Args = args
				}
			}
			for _, s := range after.Stmts {
				assert.True(t, kept[printNode(s)], "%s: %s: statement %q is not from the original script", file, name, printNode(s))
			}
		}
	}
	assert.Positive(t, checked, "no golden case edits a script")
}

// scripts returns the shell scripts of every container in a manifest, by container name.
func scripts(t *testing.T, manifest string) map[string]string {
	out := map[string]string{}
	if manifest == "" {
		return out
	}
	for _, doc := range strings.Split(manifest, "\n---\n") {
		node, err := yaml.Parse(doc)
		if err != nil || node == nil {
			continue
		}
		var walk func(n *yaml.Node)
		walk = func(n *yaml.Node) {
			if n.Kind == yaml.MappingNode && scalar(n, "name") != "" {
				if s := containerScript(n); s != nil {
					out[scalar(n, "name")] = s.node.Value
				}
			}
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(node.YNode())
	}
	return out
}
