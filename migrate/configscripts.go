package migrate

import (
	"path"
	"slices"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Scripts outside the pod: a Job whose app runs a script from a mounted ConfigMap
// (`command: ["/scripts/run.sh"]`, `["sh", "/scripts/run.sh"]`, or a script that calls it)
// keeps its workaround where the migration of one document cannot see it. When the pod has
// sidecars, the finding names the ConfigMap and key to edit by hand; when the ConfigMap is in
// the same file, or in another file of the run, the cross-document steps of package kio read
// the script (configedit.go) and this finding gives way to the findings of that reading.
var (
	ruleConfigScript = Rule{ID: RuleConfigScript,
		Matches: "the app of a run-to-completion pod with sidecars runs a script from a mounted ConfigMap (items and subPath followed)",
		Summary: "When the ConfigMap is in the same file or KRM function input, or is the one ConfigMap of its name and namespace in the run's other files (a key named *.sh or *.bash, or starting with #!), or is generated from a file by the kustomization that lists the workload, and the container runs the file alone (FILE, or sh FILE), the script is read like an inline one once the workloads are migrated, and edited in place, its scalar style kept, if that changes nothing else (nothing else in the run mounts the ConfigMap or reads it, and it is not immutable; in one file, a workload the script's reading changes by edits that move nothing, such as a Cloud SQL proxy's --quitquitquit, is decided again with it); otherwise reported, naming the ConfigMap and key, and why it was not read."}
	_ = rule.Register(rule.Workaround, ruleConfigScript)
)

// configScripts reports the apps that run a script from a ConfigMap; it proposes nothing.
func configScripts(m *migration, p *pod) []Proposal {
	t := p.t
	if m.opts.KeepHacks || !t.runToCompletion || !hasSidecars(t, p) {
		return nil
	}
	for _, app := range p.apps {
		placed := false
		for _, run := range scriptPaths(app) {
			cm, key, ok := configMapFile(t.spec, app.node, run)
			if !ok {
				continue
			}
			placed = true
			m.report(ruleConfigScript, Warning, t, app.node, app.name, "runs %s, key %q of ConfigMap %s, which this run does not read: if that script stops a sidecar when the work is done (a shutdown call, a kill, a flag file), remove it there by hand once the sidecar is native, since the kubelet then stops it", run, key, cm)
		}
		if file := imageScript(app.node); !placed && file != "" {
			if cms := scriptConfigMaps(t.spec, app.node, file); len(cms) > 0 {
				m.report(ruleConfigScript, Warning, t, app.node, app.name, "runs %s, which may be a key of ConfigMap %s that it mounts, but this run cannot tell which (a relative path, a variable or subPathExpr): if that script stops a sidecar when the work is done (a shutdown call, a kill, a flag file), remove it there by hand once the sidecar is native, since the kubelet then stops it", file, strings.Join(cms, ", "))
			}
		}
	}
	return nil
}

// scriptConfigMaps returns the ConfigMaps container c mounts that the script file it runs
// may come from: for an absolute path, those whose mounts lie over it; for a relative path
// or one built from a variable, every ConfigMap it mounts.
func scriptConfigMaps(spec, c *yaml.Node, file string) []string {
	var out []string
	for _, vm := range seqItems(lookup(c, "volumeMounts")) {
		v := volumeNamed(spec, scalar(vm, "name"))
		names := []string{scalar(lookup(v, "configMap"), "name")}
		for _, src := range seqItems(lookupPath(v, "projected", "sources")) {
			names = append(names, scalar(lookup(src, "configMap"), "name"))
		}
		at := path.Clean(scalar(vm, "mountPath"))
		over := !strings.HasPrefix(file, "/") || strings.Contains(file, "$") || file == at || strings.HasPrefix(file, at+"/") || at == "/"
		for _, n := range names {
			if n != "" && over && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// hasSidecars reports whether a pod has a sidecar a hidden script could stop: a native one
// after the run, another container, or a proxy a mesh injects.
func hasSidecars(t podTemplate, p *pod) bool {
	if len(p.natives) > 0 || len(seqItems(lookup(t.spec, "containers"))) > 1 {
		return true
	}
	for _, k := range []string{istioInjectKey, linkerdInjectKey} {
		if v, _ := t.annotation(k); v == "true" || v == "enabled" {
			return true
		}
		for _, md := range t.metadata {
			if v := scalar(lookup(md, "labels"), k); v == "true" || v == "enabled" {
				return true
			}
		}
	}
	return injectedMesh(t)
}

// scriptPaths returns the absolute paths of the script files a container runs: its program,
// the file a shell runs, or the files a -c script runs (directly, with sh or bash, or sourced).
func scriptPaths(c container) []string {
	words := commandWords(c.node)
	if len(words) == 0 {
		return nil
	}
	i := shellAt(words)
	switch {
	case i < 0:
		return absolute(words[0].Value)
	case i+1 < len(words) && !strings.HasPrefix(words[i+1].Value, "-"):
		return absolute(words[i+1].Value)
	}
	s := containerScript(c.node)
	if s == nil || s.file == nil {
		return nil
	}
	var out []string
	syntax.Walk(s.file, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		at := 0
		switch path.Base(shell.WordText(call.Args[0])) {
		case "exec", "sh", "bash", ".", "source":
			at = 1
		}
		if at < len(call.Args) {
			out = append(out, absolute(shell.WordText(call.Args[at]))...)
		}
		return true
	})
	return out
}

func absolute(p string) []string {
	if strings.HasPrefix(p, "/") && !strings.ContainsAny(p, "$`*?") {
		return []string{path.Clean(p)}
	}
	return nil
}

// configMapFile returns the ConfigMap and key that file comes from in container c of pod
// spec: a configMap volume mounted at a directory above it (its items map paths to keys), or
// mounted at the file itself with subPath.
func configMapFile(spec, c *yaml.Node, file string) (name, key string, ok bool) {
	// The mount that holds the file is the deepest one over it: a subPath mount of another
	// volume at /scripts/run.sh hides the ConfigMap mounted at /scripts.
	var mount *yaml.Node
	rel, depth := "", -1
	for _, vm := range seqItems(lookup(c, "volumeMounts")) {
		at := path.Clean(scalar(vm, "mountPath"))
		r := ""
		switch sub := scalar(vm, "subPath"); {
		case scalar(vm, "subPathExpr") != "" && (at == file || strings.HasPrefix(file, at+"/") || at == "/"):
			r = "\x00" // a path of the volume expanded from the pod's env: not read here
		case at == file:
			r = sub // "" for a whole volume mounted at the file's path: no file of it
		case strings.HasPrefix(file, at+"/") || at == "/":
			if sub != "" {
				r = "\x00" // a folder of the volume: which key it holds cannot be told here
			} else {
				r = strings.TrimPrefix(strings.TrimPrefix(file, at), "/")
			}
		default:
			continue
		}
		if len(at) > depth {
			mount, rel, depth = vm, r, len(at)
		}
	}
	cm := lookup(volumeNamed(spec, scalar(mount, "name")), "configMap")
	if mount == nil || cm == nil || rel == "" || strings.Contains(rel, "\x00") {
		return "", "", false
	}
	key = rel
	if items := seqItems(lookup(cm, "items")); len(items) > 0 {
		key = ""
		for _, it := range items {
			if path.Clean(scalar(it, "path")) == rel {
				key = scalar(it, "key")
			}
		}
	}
	if key == "" || strings.Contains(key, "/") {
		return "", "", false // not a file the ConfigMap projects
	}
	return scalar(cm, "name"), key, true
}

func volumeNamed(spec *yaml.Node, name string) *yaml.Node {
	for _, v := range seqItems(lookup(spec, "volumes")) {
		if scalar(v, "name") == name {
			return v
		}
	}
	return nil
}
