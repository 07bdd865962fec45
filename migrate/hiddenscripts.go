package migrate

import (
	"fmt"
	"path"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Scripts the manifest does not show, in a pod that shares its process namespace: any of
// them may kill any container, as workaround controllers do, and a script this tool leaves
// as it is (a ConfigMap's, read or not, and an image's) keeps what it may kill. So every
// sidecar of such a pod stays unproven while another container runs one: a ConfigMap file
// (run directly, by a shell, or sourced, from command or from a -c script), a file of its
// image that a shell runs or sources or that is named as a script (*.sh, *.bash), or its
// image's entrypoint, which may be such a script. A pod that does not share its process
// namespace is not concerned: its scripts cannot signal another container's processes.

// hiddenScript returns the script that container other runs and no step of the run
// reads, or nil.
func hiddenScript(spec *yaml.Node, other container) *unproven {
	for _, run := range scriptPaths(other) {
		if cm, key, ok := configMapFile(spec, other.node, run); ok {
			return &unproven{run, other.node.Line, fmt.Sprintf("in container %s runs key %q of ConfigMap %s, which this tool does not read, in a pod that shares its process namespace: it may kill this container; remove what stops it there, then move it by hand", other.name, key, cm)}
		}
	}
	if lookup(other.node, "command") == nil {
		return &unproven{"image: " + scalar(other.node, "image"), other.node.Line, fmt.Sprintf("in container %s runs its image's entrypoint, which the manifest does not show, in a pod that shares its process namespace: it may kill this container; if it does not, move it by hand", other.name)}
	}
	if file := imageScript(other.node); file != "" {
		return &unproven{file, other.node.Line, fmt.Sprintf("in container %s runs %s, a script of its image that this tool cannot read, in a pod that shares its process namespace: it may kill this container; if it does not, move it by hand", other.name, file)}
	}
	return nil
}

// imageScript returns the first script file a container runs that is not in the manifest:
// the file a shell runs (sh FILE), a program named *.sh or *.bash, and, in a -c script, a
// file run by a shell, sourced (., source) or so named; "" when there is none.
func imageScript(c *yaml.Node) string {
	words := commandWords(c)
	if len(words) == 0 {
		return ""
	}
	if i := shellAt(words); i < 0 {
		if isScriptName(words[0].Value) {
			return words[0].Value
		}
		return ""
	} else if i+1 < len(words) && !strings.HasPrefix(words[i+1].Value, "-") {
		return words[i+1].Value
	}
	s := containerScript(c)
	if s == nil || s.file == nil {
		return ""
	}
	file := ""
	syntax.Walk(s.file, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if file != "" || !ok || len(call.Args) == 0 {
			return file == ""
		}
		at := 0
		if shell.WordText(call.Args[0]) == "exec" {
			at = 1
		}
		if at >= len(call.Args) {
			return true
		}
		name := shell.WordText(call.Args[at])
		switch {
		case isScriptName(name):
			file = name
		case name == "." || name == "source" || isShell(path.Base(name)):
			if at+1 < len(call.Args) && !strings.HasPrefix(shell.WordText(call.Args[at+1]), "-") {
				file = shell.Print(call.Args[at+1])
			}
		}
		return file == ""
	})
	return file
}

func isScriptName(name string) bool {
	return strings.HasSuffix(name, ".sh") || strings.HasSuffix(name, ".bash")
}
