package migrate

import (
	"path"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Scripts of a ConfigMap in the same file as the workload that runs them: once the workload
// is migrated, the script is read like an inline one. The app's command is replaced, in a
// copy of the migrated workload, by the shell running the ConfigMap's script with -c; the
// copy is migrated, and the script's edit goes back to the ConfigMap's value (its scalar
// style kept) only when nothing else of the copy changed: the workload's decision, made
// without the script, stands as it was.

// ConfigScriptRun is a container of a migrated workload that runs a script from a key of a
// ConfigMap by a direct form (`command: [FILE]`, or `[sh, FILE]`, with no arguments).
type ConfigScriptRun struct {
	Namespace, ConfigMap, Key string
	Container                 string
	Resource                  Resource // the workload
	// File is where the workload is, when it is not the ConfigMap's file: findings at the
	// ConfigMap's key name it.
	File     string
	shell    string
	workload *yaml.Node
}

// ConfigScriptRuns returns the containers of a migrated workload document that run a
// ConfigMap script in a run-to-completion pod.
func ConfigScriptRuns(doc *yaml.Node, opts Options) []ConfigScriptRun {
	root := documentRoot(doc)
	var out []ConfigScriptRun
	for _, t := range findPodTemplates(root, "", opts) {
		if !t.runToCompletion {
			continue
		}
		for _, n := range seqItems(lookup(t.spec, "containers")) {
			c := readContainer(n)
			file, shell := directScript(c)
			if file == "" {
				continue
			}
			if cm, key, ok := configMapFile(t.spec, n, file); ok {
				out = append(out, ConfigScriptRun{Namespace: t.resource.Namespace, ConfigMap: cm, Key: key,
					Container: c.name, Resource: t.resource, shell: shell, workload: root})
			}
		}
	}
	return out
}

// WithoutWorkload returns the run without the migrated workload it holds to read its script:
// for a caller that keeps many runs whose scripts are not to be read (UsedElsewhere), and
// never asks for them to be.
func (r ConfigScriptRun) WithoutWorkload() ConfigScriptRun {
	r.workload = nil
	return r
}

// directScript returns the file a container runs with nothing else on its command line, and
// the shell that runs it ("" when the file runs itself, by its shebang).
func directScript(c container) (file, shell string) {
	words := commandWords(c.node)
	switch {
	case len(words) == 1:
		return strings.Join(absolute(words[0].Value), ""), ""
	case len(words) == 2 && shellAt(words) == 0:
		return strings.Join(absolute(words[1].Value), ""), path.Base(words[0].Value)
	}
	return "", ""
}

// Reports reports whether f is the warning that the run's script was not read.
func (r ConfigScriptRun) Reports(f Finding) bool {
	return f.Rule == ruleConfigScript.ID && f.Resource == r.Resource && f.Container == r.Container &&
		strings.Contains(f.Message, "key "+strconv.Quote(r.Key)+" of ConfigMap "+r.ConfigMap+",")
}

// ConfigEdit is what EditConfigScripts did to one ConfigMap document.
type ConfigEdit struct {
	Changed     bool
	Findings    []Finding // at the key's line of the document
	Read        []int     // the runs whose script was read, by index
	Workarounds int
	// Refused says, by run index, why the script of a run this ConfigMap holds was not read.
	Refused map[int]string
	// Redo holds, by run index, the scripts whose reading changes the workload only by
	// edits that move nothing: ConfigScriptRun.Redo may decide the workload with them.
	Redo map[int]string
}

// EditConfigScripts edits, in a ConfigMap document, the scripts that runs run. uses are what
// sees a ConfigMap in the files the caller knows of (ConfigMapUses). A key that more than one
// container runs is left alone, as is a ConfigMap that anything but the run's container uses,
// an immutable ConfigMap, and a script whose reading would change anything but itself.
func EditConfigScripts(doc *yaml.Node, runs []ConfigScriptRun, uses []ConfigMapUse, opts Options) (e ConfigEdit) {
	root := documentRoot(doc)
	if scalar(root, "kind") != "ConfigMap" || scalar(root, "apiVersion") != "v1" {
		return e
	}
	md := lookup(root, "metadata")
	count := map[string]int{}
	for _, r := range runs {
		count[r.Key+"\x00"+r.ConfigMap+"\x00"+r.Namespace]++
	}
	for i, r := range runs {
		value := lookup(lookup(root, "data"), r.Key)
		if r.ConfigMap != scalar(md, "name") || r.Namespace != scalar(md, "namespace") {
			continue
		}
		why := ""
		switch {
		case value == nil || value.Kind != yaml.ScalarNode:
			why = "it has no key " + strconv.Quote(r.Key) + " holding a script"
		case count[r.Key+"\x00"+r.ConfigMap+"\x00"+r.Namespace] != 1:
			why = "more than one container runs the key"
		case value.Anchor != "" && aliasOf(root, value):
			why = "its value is anchored (&" + value.Anchor + ") and an alias stands for it elsewhere, which the edit would change too"
		case boolField(root, "immutable"):
			why = "it is immutable (immutable: true), so the cluster refuses a change of its data: give the edited script a ConfigMap of a new name"
		}
		if u, ok := r.otherUse(uses); ok && why == "" {
			why = u.Reason()
		}
		text, res, ok, redo := "", Result{}, false, false
		if why == "" {
			text, res, ok, redo = r.edit(value.Value, opts)
			if !ok {
				why = "reading the script changes the workload too (it was decided without the script: migrate it by hand)"
			}
		}
		if why != "" {
			if e.Refused == nil {
				e.Refused, e.Redo = map[int]string{}, map[int]string{}
			}
			e.Refused[i] = why
			if redo {
				e.Redo[i] = value.Value
			}
			continue
		}
		e.Read = append(e.Read, i)
		for _, f := range res.Findings {
			if f.Container != r.Container || !strings.HasPrefix(f.Rule, "hack-") {
				continue
			}
			f.Line, f.Column = value.Line, value.Column
			by := r.Container
			if r.File != "" {
				by += " in " + r.File
			}
			f.Message = "key " + r.Key + " of ConfigMap " + r.ConfigMap + " (run by container " + by + "): " + f.Message
			e.Findings = append(e.Findings, f)
		}
		e.Workarounds += res.Stats.Workarounds
		if text != value.Value {
			value.Value, e.Changed = text, true
		}
	}
	return e
}

// edit migrates a copy of the run's workload whose container runs script with -c, and returns
// the edited script with the copy's result; ok is false when anything but the script would
// change, and redo then says that the change moves no container (Redo may make it).
func (r ConfigScriptRun) edit(script string, opts Options) (_ string, _ Result, ok, redo bool) {
	if r.workload == nil { // WithoutWorkload: never asked for
		return "", Result{}, false, false
	}
	copyRoot := yaml.CopyYNode(r.workload)
	var scriptNode *yaml.Node
	for _, t := range findPodTemplates(copyRoot, "", opts) {
		for _, n := range seqItems(lookup(t.spec, "containers")) {
			if scalar(n, "name") != r.Container {
				continue
			}
			command := r.inlined(script)
			scriptNode = command.Content[2]
			setKey(n, "command", command)
			dropKey(n, "args")
		}
	}
	if scriptNode == nil {
		return "", Result{}, false, false
	}
	before := yaml.CopyYNode(copyRoot)
	d := Decide(yaml.NewRNode(copyRoot), opts)
	if d.Failed() {
		return "", Result{}, false, false
	}
	d.Apply(yaml.NewRNode(copyRoot))
	edited := scriptNode.Value
	scriptNode.Value = script
	if !sameNodes(before, copyRoot) {
		// The script changes the workload's decision: it must be decided with the script.
		return "", Result{}, false, len(d.Result.Moved) == 0
	}
	return edited, d.Result, true, false
}

// aliasOf reports whether an alias under root stands for n, by name too: a copy of a tree
// keeps its aliases pointing at the original's anchors.
func aliasOf(root, n *yaml.Node) bool {
	if root.Kind == yaml.AliasNode {
		return root.Alias == n || root.Alias != nil && root.Alias.Anchor == n.Anchor
	}
	for _, c := range root.Content {
		if aliasOf(c, n) {
			return true
		}
	}
	return false
}

// sameNodes reports whether two trees hold the same kinds, tags, values and styles.
func sameNodes(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.Value != b.Value || a.Tag != b.Tag || a.Style != b.Style || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !sameNodes(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

func setKey(m *yaml.Node, k string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == k {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, v)
}
