package kio

import "github.com/sidecar-migrate/sidecar-migrate/migrate"

// stringSet keeps one copy of each string the findings of a file hold. A file of many
// workloads gets the same messages, fields and kinds over and over, each built anew: in a
// file of 322,000 changed documents their copies took as much memory as the file.
type stringSet map[string]string

func (s stringSet) of(v string) string {
	if w, ok := s[v]; ok {
		return w
	}
	s[v] = v
	return v
}

// share makes the findings' repeated strings one copy each; the names of objects, which are
// unique, stay as they are.
func (s stringSet) share(fs []migrate.Finding) {
	if s == nil {
		return
	}
	for i := range fs {
		f := &fs[i]
		f.Message, f.Field, f.Container = s.of(f.Message), s.of(f.Field), s.of(f.Container)
		f.Resource.APIVersion, f.Resource.Kind, f.Resource.Namespace = s.of(f.Resource.APIVersion), s.of(f.Resource.Kind), s.of(f.Resource.Namespace)
	}
}
