package migrate

import (
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A script whose reading changes its workload: the Cloud SQL proxy keeps --quitquitquit
// when no caller is seen, and the caller is the ConfigMap script. Read inline, the script
// loses its call and the proxy its switch, both decided by the gate on the workload with
// the script in it. Redo makes that decision on the workload itself: the container runs the
// script inline, the workload is migrated, and the container gets its command back; the
// script's own edit is then made in the ConfigMap by EditConfigScripts, which finds the
// workload as the script decides it.

// Redo migrates again the run's workload in doc (a migrated document, edited in place) with
// the run's container running script inline, and puts the container's command back. It
// reports false, leaving doc as it was, when doc does not hold the workload, the migration
// fails, or it would move a container.
func (r ConfigScriptRun) Redo(doc *yaml.Node, script string, opts Options) (Result, bool) {
	root := documentRoot(doc)
	n := r.containerIn(root, opts)
	if n == nil {
		return Result{}, false
	}
	saved := slices.Clone(n.Content)
	at := map[string]int{}
	for _, k := range []string{"command", "args"} {
		at[k] = indexOfKey(n, k)
	}
	setKey(n, "command", r.inlined(script))
	dropKey(n, "args")
	d := Decide(yaml.NewRNode(doc), opts)
	if d.Failed() || len(d.Result.Moved) > 0 {
		n.Content = saved
		return Result{}, false
	}
	d.Apply(yaml.NewRNode(doc))
	m := r.containerIn(root, opts)
	if m == nil { // Apply keeps every container: never
		return Result{}, false
	}
	restoreCommand(m, saved, at)
	return d.Result, true
}

// inlined is the command that runs script as the run's container runs its file.
func (r ConfigScriptRun) inlined(script string) *yaml.Node {
	shell := r.shell
	if shell == "" {
		shell = "sh"
		if first, _, _ := strings.Cut(script, "\n"); strings.HasPrefix(first, "#!") && strings.Contains(first, "bash") {
			shell = "bash"
		}
	}
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: shell}, {Kind: yaml.ScalarNode, Tag: "!!str", Value: "-c"},
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: script, Style: yaml.LiteralStyle}}}
}

// containerIn returns the run's container in the run's workload, root.
func (r ConfigScriptRun) containerIn(root *yaml.Node, opts Options) *yaml.Node {
	for _, t := range findPodTemplates(root, "", opts) {
		if t.resource != r.Resource {
			continue
		}
		for _, n := range seqItems(lookup(t.spec, "containers")) {
			if scalar(n, "name") == r.Container {
				return n
			}
		}
	}
	return nil
}

// restoreCommand puts the command and args pairs of saved (a container's content) back in m,
// each where it was (at, by key).
func restoreCommand(m *yaml.Node, saved []*yaml.Node, at map[string]int) {
	dropKey(m, "command")
	dropKey(m, "args")
	keys := []string{"command", "args"}
	if at["args"] < at["command"] {
		keys = []string{"args", "command"} // the first in the content goes in first
	}
	for _, k := range keys {
		i := at[k]
		if i >= len(saved) {
			continue // it was not there
		}
		j := min(i, len(m.Content))
		m.Content = slices.Insert(m.Content, j, saved[i], saved[i+1])
	}
}
