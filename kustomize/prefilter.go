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

// expandFor reads the unread instances that a transformation of k could reach. The files
// are read, and those that may be reached parsed, on every core (prefetch); the instances
// are then expanded in order, as if one by one.
func (r *repo) expandFor(k *Kustomization, res []*instance) []*instance {
	if k.renamesOnly() {
		return res
	}
	names, ok := k.patchedNames()
	every := !ok || len(k.Labels) > 0 || len(k.Annotations) > 0 || len(k.Transformers) > 0 || len(k.Images) > 0 || len(k.Replacements) > 0
	may := func(in *instance, data []byte) bool { return mayHold(data, names, in.applied) }
	if every {
		may = nil
	}
	ahead := r.prefetch(res, may)
	out := make([]*instance, 0, len(res))
	for i, in := range res {
		if in.w == nil && !ahead[i].holds {
			out = append(out, in)
			continue
		}
		if _, cached := r.workloads[in.file]; in.w == nil && !cached {
			r.keep(in.file, ahead[i].read)
		}
		out = append(out, r.expand([]*instance{in})...)
	}
	return out
}

// fetched is an unread instance's file as prefetch found it: whether the transformation may
// reach it, and then its workloads.
type fetched struct {
	holds bool
	read
}

// prefetch reads the files of the unread instances with a worker per core, tells with may
// (nil: every file may be reached) whether each could be reached, and parses those that
// could and are not read yet. It reads the cache but does not write it, nor anything else
// of r.
func (r *repo) prefetch(res []*instance, may func(*instance, []byte) bool) []fetched {
	out := make([]fetched, len(res))
	var todo []int
	cached := make([]bool, len(res))
	for i, in := range res {
		if in.w != nil {
			continue
		}
		if _, cached[i] = r.workloads[in.file]; cached[i] && may == nil {
			out[i].holds = true // read already, and reached whatever it holds
			continue
		}
		todo = append(todo, i)
	}
	onEveryCore(len(todo), func(t int) {
		i := todo[t]
		data, err := os.ReadFile(res[i].file)
		switch {
		case err != nil:
			out[i] = fetched{holds: true, read: read{err: err}} // expand reports it
		case may == nil || may(res[i], data):
			out[i].holds = true
			if !cached[i] {
				out[i].read = workloadsOf(res[i].file, data, r.opts)
			}
		}
	})()
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

// mayHold reports whether a resource file's content could hold an object that one of the
// names selects, as the object was named originally or after any of the renames applied so
// far: the file holds a workload and the original name the selected name comes from.
func mayHold(data []byte, names []string, applied []*Kustomization) bool {
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
