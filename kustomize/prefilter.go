package kustomize

import (
	"bytes"
	"os"
	"regexp"
	"strings"
)

// A kustomization whose only transformations are patches that name their objects reaches,
// among the files it includes, only those that hold one of those names: the others stay
// unread (a file is read as bytes, not parsed, to tell). On a repository of bases with one
// overlay patching one workload each, most workload files are never parsed.

// expandFor reads the unread instances that a transformation of k could reach.
func (r *repo) expandFor(k *Kustomization, res []*instance) []*instance {
	if k.renamesOnly() {
		return res
	}
	names, ok := k.patchedNames()
	if !ok || len(k.Labels) > 0 || len(k.Annotations) > 0 || len(k.Transformers) > 0 || len(k.Images) > 0 || len(k.Replacements) > 0 {
		return r.expand(res)
	}
	out := make([]*instance, 0, len(res))
	for _, in := range res {
		if in.w == nil && !mayHold(in.file, names, in.applied) {
			out = append(out, in)
			continue
		}
		out = append(out, r.expand([]*instance{in})...)
	}
	return out
}

// patchedNames returns the names k's patches select objects by, and false when one could
// select an object whatever its name (no name, a regular expression, a label selector).
func (k *Kustomization) patchedNames() ([]string, bool) {
	var names []string
	for _, p := range k.Patches {
		switch {
		case p.err != nil:
			continue // it reaches nothing
		case p.Target != nil:
			if p.Target.byLabel() || !literal(p.Target.Name) {
				return nil, false
			}
			names = append(names, p.Target.Name)
		case p.JSON:
			continue // a JSON 6902 patch without a target reaches nothing
		default:
			for _, h := range p.heads {
				if !literal(h.Name) {
					return nil, false
				}
				names = append(names, h.Name)
			}
		}
	}
	return names, true
}

// literal reports whether a selector's name matches only itself.
func literal(name string) bool {
	return name != "" && regexp.QuoteMeta(name) == name
}

// mayHold reports whether a resource file could hold an object that one of the names
// selects, as the object was named originally or after any of the renames applied so far:
// the file holds a workload and the original name the selected name comes from.
func mayHold(file string, names []string, applied []*Kustomization) bool {
	data, err := os.ReadFile(file)
	if err != nil {
		return true // expand reports it
	}
	if !bytes.Contains(data, []byte("containers")) {
		return false // no pod spec: objects would find no workload
	}
	for _, name := range names {
		for _, orig := range originals(name, applied) {
			if bytes.Contains(data, []byte(orig)) {
				return true
			}
		}
	}
	return false
}

// originals returns the names an object could have had originally for name to be its name
// after some of the renames: name itself, then name without the last prefix and suffix, and
// so on, as far as they are there.
func originals(name string, applied []*Kustomization) []string {
	out := []string{name}
	for i := len(applied) - 1; i >= 0; i-- {
		k := applied[i]
		if k.NamePrefix == "" && k.NameSuffix == "" {
			continue
		}
		if !strings.HasPrefix(name, k.NamePrefix) || !strings.HasSuffix(name[len(k.NamePrefix):], k.NameSuffix) {
			break
		}
		name = strings.TrimSuffix(strings.TrimPrefix(name, k.NamePrefix), k.NameSuffix)
		out = append(out, name)
	}
	return out
}
