package migrate

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The exit flag's volume: an emptyDir may carry more than the flag, and a program reads
// paths from its image or its configuration, not only from its command line. So the volume
// and its mounts go only when it is proven that nothing but the flag protocol uses them:
// every container that mounts it runs a shell script read here, and once the workaround is
// cut neither that script nor any other field of the container names the mount path. A
// container whose program is not read (its image's entrypoint, a binary, a script file),
// or that still names the path, keeps the volume and every mount of it, and a finding says
// which and why. Mounts never go one by one: a watcher's process may read what the app
// leaves on the volume.

// volumeKept returns the note that says why the flag's volume must stay in pod spec, or nil
// when nothing but the flag protocol, as planned, uses it.
func (p *flagPlan) volumeKept(spec *yaml.Node) *Note {
	for _, list := range []string{"initContainers", "containers", "ephemeralContainers"} {
		for _, c := range seqItems(lookup(spec, list)) {
			for _, vm := range seqItems(lookup(c, "volumeMounts")) {
				if scalar(vm, "name") != p.volume {
					continue
				}
				mp := strings.TrimSuffix(scalar(vm, "mountPath"), "/")
				why := p.usesMount(c, mp)
				if list == "ephemeralContainers" {
					why = "it is an ephemeral container, which is not migrated"
				}
				if why == "" {
					continue
				}
				name := scalar(c, "name")
				return &Note{Rule: ruleFlagFile, Severity: Info, Container: name, Line: vm.Line, Column: vm.Column,
					Message: fmt.Sprintf("the volume %s stays, with every mount of it: container %s mounts it at %s and %s; remove them by hand if only the exit flag used the volume", p.volume, name, mp, why)}
			}
		}
	}
	return nil
}

// usesMount says how container c may still use the volume it mounts at mp once the
// workaround is cut, or "" when it is proven not to: its script is read, and neither the
// script as planned nor another field of the container names mp.
func (p *flagPlan) usesMount(c *yaml.Node, mp string) string {
	s := containerScript(c)
	switch {
	case mp == "":
		return "its mount names no path"
	case s == nil && len(commandWords(c)) == 0:
		return "runs its image's entrypoint, which may use it"
	case s == nil:
		return fmt.Sprintf("runs %s, whose use of it this tool cannot read", commandWords(c)[0].Value)
	case s.file == nil:
		return "its script does not parse"
	}
	script, planned := p.scripts[s.node]
	if !planned {
		script = s.node.Value
	}
	for _, line := range strings.Split(script, "\n") {
		if strings.Contains(line, mp) {
			return fmt.Sprintf("its script still uses it once the flag is gone (%q)", strings.TrimSpace(line))
		}
	}
	if field := namingField(c, s.node, mp); field != "" {
		return "its " + field + " names " + mp
	}
	return ""
}

// namingField returns the first field of container c, but its volumeMounts and its script
// node, whose text names path: env, workingDir, a hook, a probe, the script's arguments.
func namingField(c, script *yaml.Node, path string) string {
	for i := 0; i+1 < len(c.Content); i += 2 {
		key := c.Content[i].Value
		if key == "volumeMounts" {
			continue
		}
		if holdsPath(c.Content[i+1], script, path) {
			return key
		}
	}
	return ""
}

// holdsPath reports whether a scalar under n, but skip, holds path.
func holdsPath(n, skip *yaml.Node, path string) bool {
	if n == skip {
		return false
	}
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, path) {
		return true
	}
	for _, c := range n.Content {
		if holdsPath(c, skip, path) {
			return true
		}
	}
	return false
}

// freedVolumes proposes to remove the volumes that accepted proposals released, with their
// mounts; one whose removal would change or remove a YAML anchor that an alias uses stays,
// with a finding that says so.
func freedVolumes(m *migration, p *pod) []Proposal {
	var out []Proposal
	for _, a := range p.accepted {
		for _, v := range a.Releases.Volumes {
			edits := volumeEdits(p.t.spec, v)
			var rs []resolved
			for _, e := range edits {
				if r, err := resolve(p.t, e.Path); err == nil {
					r.edit = e
					rs = append(rs, r)
				}
			}
			if err := m.anchorsUntouched(p.t, rs); err != nil {
				at := p.t.spec
				for _, vol := range seqItems(lookup(p.t.spec, "volumes")) {
					if scalar(vol, "name") == v {
						at = vol
					}
				}
				m.report(a.Rule, Info, p.t, at, "", "the volume %s stays, with every mount of it: removing %v", v, err)
				continue
			}
			out = append(out, Proposal{Rule: a.Rule, Edits: edits})
		}
	}
	return out
}
