package migrate

import (
	"fmt"
	"path"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The one proof that a volume a workaround owned (the exit flag's emptyDir, kubexit's
// graveyard and the volume its binary was copied to, a wrapper's install volume) serves
// nothing else, so that it may go with its mounts. An emptyDir may carry data, and a program
// reads paths from its image or its configuration, not only from its command line. So the
// volume goes only when every container that mounts it is read: it is deleted with the
// workaround, or it runs a shell script read here, or it took part in the workaround and its
// command is in the manifest (kubexit's app: `kubexit /app/migrate` becomes `/app/migrate`);
// and, as the workaround leaves it, nothing of it names the mount path (script, command,
// args, env, workingDir, hooks, probes, terminationMessagePath) nor reaches the volume by a
// relative path. A container whose working directory is, or may become, the mount or a
// directory above it (workingDir, cd, pushd, -C/--directory), or that the tool cannot follow
// there (cd to a variable, eval, source, a nested shell, then a relative path), keeps it.

// volumeProof is what a workaround leaves of the containers that mount its volume.
type volumeProof struct {
	owner   string                // what used the volume, for the finding: "the exit flag"
	planned map[*yaml.Node]string // script scalar -> its text once the workaround is cut
	dropped map[*yaml.Node]bool   // nodes the workaround deletes: a wrapper word, an env entry, a container
	took    map[*yaml.Node]bool   // containers that took part in the workaround
	env     map[string]string     // while namingField reads a container: its env's values
}

func newVolumeProof(owner string) volumeProof {
	return volumeProof{owner: owner, planned: map[*yaml.Node]string{}, dropped: map[*yaml.Node]bool{}, took: map[*yaml.Node]bool{}}
}

// kept returns the finding that says why volume must stay in pod spec, or nil when it is
// proven that nothing but the workaround uses it.
func (v volumeProof) kept(rule Rule, spec *yaml.Node, volume string) *Note {
	for _, list := range []string{"initContainers", "containers", "ephemeralContainers"} {
		for _, c := range seqItems(lookup(spec, list)) {
			if v.dropped[c] {
				continue
			}
			for _, vm := range seqItems(lookup(c, "volumeMounts")) {
				if scalar(vm, "name") != volume {
					continue
				}
				mp := strings.TrimSuffix(scalar(vm, "mountPath"), "/")
				why := v.usesMount(c, mp)
				if list == "ephemeralContainers" {
					why = "it is an ephemeral container, which is not migrated"
				}
				if why == "" {
					continue
				}
				name := scalar(c, "name")
				return &Note{Rule: rule, Severity: Info, Container: name, Line: vm.Line, Column: vm.Column,
					Message: fmt.Sprintf("the volume %s stays, with every mount of it: container %s mounts it at %s and %s; remove them by hand if only %s used the volume", volume, name, mp, why, v.owner)}
			}
		}
	}
	return nil
}

// usesMount says how container c may still use the volume it mounts at mp once the
// workaround is cut, or "" when it is proven not to.
func (v volumeProof) usesMount(c *yaml.Node, mp string) string {
	if mp == "" {
		return "its mount names no path"
	}
	s := containerScript(c)
	words := v.words(c)
	switch {
	case s == nil && len(words) == 0:
		return "runs its image's entrypoint, which may use it"
	case s == nil && (!v.took[c] || shellAt(commandWords(c)) >= 0):
		return fmt.Sprintf("runs %s, whose use of it this tool cannot read", words[0])
	case s == nil && isShell(path.Base(words[0])):
		// kubexit's ["kubexit", "sh", "-c", SCRIPT] leaves a shell: its script is read.
		return v.wrappedShell(c, words, mp)
	case s != nil && s.file == nil:
		return "its script does not parse"
	}
	var script *yaml.Node
	if s != nil {
		script = s.node
		text, planned := v.planned[s.node]
		if !planned {
			text = s.node.Value
		}
		env := envValues(c)
		for _, line := range strings.Split(text, "\n") {
			if strings.Contains(pathText(env, line), mp) {
				return fmt.Sprintf("its script still uses it once %s is gone (%q)", v.owner, strings.TrimSpace(line))
			}
		}
	}
	if field := v.namingField(c, script, mp); field != "" {
		return "its " + field + " names " + mp
	}
	dirs, why := workDirs(c, mp)
	if why != "" {
		return why
	}
	if s == nil {
		return relativeUse(words, dirs, mp)
	}
	text, planned := v.planned[s.node]
	if !planned {
		text = s.node.Value
	}
	f, err := shell.Parse(text)
	if err != nil {
		return "its script does not parse once " + v.owner + " is cut"
	}
	return scriptReaches(f, dirs, mp)
}

// wrappedShell is usesMount for a container whose command, once the workaround's word is
// dropped, runs a shell: its -c script is read as a script, a script file is not.
func (v volumeProof) wrappedShell(c *yaml.Node, words []string, mp string) string {
	script := ""
	for i := 1; i+1 < len(words) && script == ""; i++ {
		if strings.HasPrefix(words[i], "-") && !strings.HasPrefix(words[i], "--") && strings.Contains(words[i], "c") {
			script = words[i+1]
		}
	}
	f, err := shell.Parse(script)
	if script == "" || err != nil {
		return fmt.Sprintf("runs %s without a script this tool can read", words[0])
	}
	if field := v.namingField(c, nil, mp); field != "" {
		return "its " + field + " names " + mp
	}
	dirs, why := workDirs(c, mp)
	if why != "" {
		return why
	}
	return scriptReaches(f, dirs, mp)
}

// words returns the items of command and args the workaround leaves, as written.
func (v volumeProof) words(c *yaml.Node) []string {
	var out []string
	for _, w := range commandWords(c) {
		if !v.dropped[w] {
			out = append(out, w.Value)
		}
	}
	return out
}

// namingField returns the first field of container c, but its volumeMounts, whose text as
// the workaround leaves it names path: env, workingDir, a hook, a probe, command, args.
func (v volumeProof) namingField(c, script *yaml.Node, path string) string {
	v.env = envValues(c)
	for i := 0; i+1 < len(c.Content); i += 2 {
		key := c.Content[i].Value
		if key == "volumeMounts" {
			continue
		}
		if v.holdsPath(c.Content[i+1], script, path) {
			return key
		}
	}
	return ""
}

// holdsPath reports whether a scalar under n, but skip (the script, read line by line) and
// the dropped ones, holds path.
func (v volumeProof) holdsPath(n, skip *yaml.Node, path string) bool {
	if n == skip || v.dropped[n] {
		return false
	}
	if n.Kind == yaml.ScalarNode && strings.Contains(pathText(v.env, n.Value), path) {
		return true
	}
	for _, c := range n.Content {
		if v.holdsPath(c, skip, path) {
			return true
		}
	}
	return false
}

// workDirs returns the working directories container c starts in (its workingDir; none
// when it is its image's, which may be any directory above mp), or why its working
// directory is, or may be, on or above mp.
func workDirs(c *yaml.Node, mp string) ([]string, string) {
	wd := scalar(c, "workingDir")
	switch {
	case wd == "":
		return nil, ""
	case strings.Contains(wd, "$(") || !strings.HasPrefix(wd, "/"):
		return nil, fmt.Sprintf("its workingDir %s cannot be followed", wd)
	case onOrAbove(wd, mp):
		return nil, fmt.Sprintf("its workingDir %s is on or above %s, so what it writes by a relative path may land there", wd, mp)
	}
	return []string{path.Clean(wd)}, ""
}

// onOrAbove reports whether directory dir is mp, under it, or one of its parents.
func onOrAbove(dir, mp string) bool {
	dir, mp = path.Clean(dir), path.Clean(mp)
	return dir == mp || dir == "/" || strings.HasPrefix(mp, dir+"/") || strings.HasPrefix(dir, mp+"/")
}

// envValues returns the values a container's env sets inline, by name.
func envValues(c *yaml.Node) map[string]string {
	env := map[string]string{}
	for _, e := range seqItems(lookup(c, "env")) {
		if v := lookup(e, "value"); v != nil {
			env[scalar(e, "name")] = v.Value
		}
	}
	return env
}

// pathText returns s as the paths in it may read once run: the variables env sets expanded
// ($(NAME) by the kubelet, $NAME and ${NAME} by a shell; twice, for a value made of another)
// and repeated slashes and ./ segments dropped, so that "$BASE/lifecycle" with BASE=/run, or
// /run//lifecycle, names /run/lifecycle.
func pathText(env map[string]string, s string) string {
	for range 2 {
		if !strings.Contains(s, "$") {
			break
		}
		for name, value := range env {
			s = strings.NewReplacer("$("+name+")", value, "${"+name+"}", value).Replace(s)
			s = replaceShellVar(s, name, value)
		}
	}
	for strings.Contains(s, "//") || strings.Contains(s, "/./") {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "//", "/"), "/./", "/")
	}
	return s
}

// replaceShellVar replaces $name where the name ends there (not $NAMEX).
func replaceShellVar(s, name, value string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "$"+name)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + 1 + len(name)
		if end < len(s) && (s[end] == '_' || s[end] >= '0' && s[end] <= '9' || s[end] >= 'a' && s[end] <= 'z' || s[end] >= 'A' && s[end] <= 'Z') {
			b.WriteString(s[:end])
		} else {
			b.WriteString(s[:i] + value)
		}
		s = s[end:]
	}
}
