package kustomize

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// patchEdit is how one patch document follows the migration of a workload it reaches, as
// data: strategic-merge entries moved to initContainers, JSON 6902 operations re-pointed.
// The zero value leaves the patch as it is.
type patchEdit struct {
	Moves []entryMove
	Ops   []opEdit
}

// entryMove moves the entry Name of a strategic-merge patch from containers to
// initContainers of the pod spec at Field; Create adds restartPolicy: Always, for an entry
// that creates the container rather than changing one the base has.
type entryMove struct {
	Field  string
	Name   string
	Create bool
}

// opEdit changes operation Index of a JSON 6902 patch: its path (when not "") and, for an
// operation that adds or replaces a whole container that is now a native sidecar, the
// restartPolicy of its value.
//
// List is set for an append to a list the migrated workload does not have (a sidecar
// appended to containers, whose move lands in initContainers that the base lacks): the
// operation adds the list, of its value alone, at Path.
type opEdit struct {
	Index         int
	From, Path    string
	RestartPolicy bool
	List          bool
}

func (e patchEdit) identity() bool { return len(e.Moves) == 0 && len(e.Ops) == 0 }

// key is a comparable form of the edit: a patch shared by several workloads can be edited
// only if they all need the same edit.
func (e patchEdit) key() string { return fmt.Sprint(e) }

// describe says in a few words what the edit does, for findings.
func (e patchEdit) describe(ops []*yaml.Node) string {
	var parts []string
	for _, m := range e.Moves {
		s := m.Name + " moved to initContainers"
		if m.Create {
			s += " with restartPolicy: Always"
		}
		parts = append(parts, s)
	}
	for _, o := range e.Ops {
		op := readOp(ops[o.Index])
		if o.Path != "" {
			parts = append(parts, fmt.Sprintf("%s %s re-pointed to %s", op.Op, op.Path, o.Path))
		}
		if o.From != "" {
			parts = append(parts, fmt.Sprintf("%s from %s re-pointed to %s", op.Op, op.From, o.From))
		}
		if o.RestartPolicy {
			parts = append(parts, fmt.Sprintf("%s %s: restartPolicy: Always added to the value", op.Op, op.Path))
		}
		if o.List {
			parts = append(parts, fmt.Sprintf("%s %s: the value made a list, which the base does not have", op.Op, op.Path))
		}
	}
	return strings.Join(parts, "; ")
}

// apply edits a patch document in place (the root of a strategic-merge document, or the
// list of operations of a JSON 6902 patch).
func (e patchEdit) apply(doc *yaml.Node) {
	for _, m := range e.Moves {
		spec := getPath(doc, strings.Split(m.Field, ".")...)
		containers := get(spec, "containers")
		var entry *yaml.Node
		for i, c := range items(containers) {
			if str(c, "name") == m.Name {
				entry = c
				containers.Content = append(containers.Content[:i:i], containers.Content[i+1:]...)
				break
			}
		}
		if entry == nil {
			continue
		}
		init := get(spec, "initContainers")
		if init == nil || init.Kind != yaml.SequenceNode {
			seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: containers.Style & yaml.FlowStyle}
			if init != nil {
				*init = *seq
			} else {
				init = seq
				at := keyIndex(spec, "containers")
				key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "initContainers"}
				spec.Content = append(spec.Content[:at:at], append([]*yaml.Node{key, init}, spec.Content[at:]...)...)
			}
		}
		init.Content = append(init.Content, entry)
		if m.Create {
			setRestartPolicy(entry)
		}
		if len(containers.Content) == 0 {
			// An empty list would be merged as "no containers": the key goes.
			at := keyIndex(spec, "containers")
			spec.Content = append(spec.Content[:at:at], spec.Content[at+2:]...)
		}
	}
	for _, o := range e.Ops {
		op := doc.Content[o.Index]
		if o.Path != "" {
			get(op, "path").Value = o.Path
		}
		if o.From != "" {
			get(op, "from").Value = o.From
		}
		if o.RestartPolicy {
			setRestartPolicy(get(op, "value"))
		}
		if o.List {
			v := get(op, "value")
			seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{v}}
			setNode(op, "value", seq)
		}
	}
}

// setRestartPolicy sets restartPolicy: Always on a container, right after its name.
func setRestartPolicy(c *yaml.Node) {
	if v := get(c, "restartPolicy"); v != nil {
		v.Value = "Always"
		return
	}
	at := keyIndex(c, "name") + 2
	if at > len(c.Content) {
		at = 0
	}
	kv := []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "restartPolicy"}, {Kind: yaml.ScalarNode, Tag: "!!str", Value: "Always"}}
	c.Content = append(c.Content[:at:at], append(kv, c.Content[at:]...)...)
}

func keyIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return len(m.Content)
}

// target is what a patch document must follow in one workload: the migrated pod specs and,
// for each, the containers that end up in initContainers.
type target struct {
	specs     []migrate.PodSpec // of the workload, for their field paths
	moved     map[string]map[string]bool
	placement migrate.Placement
}

// smpEdit returns how a strategic-merge document must change so that, applied to the
// migrated workload sa, it gives what the original gives applied to the original workload.
func smpEdit(doc, sa *yaml.Node, t target) (patchEdit, error) {
	var e patchEdit
	for _, ps := range t.specs {
		moved := t.moved[ps.Field]
		if len(moved) == 0 {
			continue
		}
		path := strings.Split(ps.Field, ".")
		for i := 0; i <= len(path); i++ {
			if n := getPath(doc, path[:i]...); n != nil && get(n, "$patch") != nil {
				return e, fmt.Errorf("a $patch: %s directive on %s replaces what holds the moved containers", str(n, "$patch"), strings.Join(path[:i], "."))
			}
		}
		spec := getPath(doc, path...)
		if spec == nil {
			continue
		}
		for _, key := range []string{"$setElementOrder/containers", "$setElementOrder/initContainers", "$retainKeys"} {
			if get(spec, key) != nil {
				return e, fmt.Errorf("a %s directive orders the containers the migration moves", key)
			}
		}
		containers := get(spec, "containers")
		if containers != nil && containers.Kind != yaml.SequenceNode {
			return e, fmt.Errorf("the patch sets containers to %q", containers.Value)
		}
		saSpec := getPath(sa, path...)
		for _, c := range items(containers) {
			name := str(c, "name")
			if !moved[name] {
				continue
			}
			if d := str(c, "$patch"); d != "" {
				return e, fmt.Errorf("a $patch: %s directive on container %q, which the migration moves", d, name)
			}
			exists := hasContainer(get(saSpec, "containers"), name) || hasContainer(get(saSpec, "initContainers"), name)
			e.Moves = append(e.Moves, entryMove{Field: ps.Field, Name: name, Create: !exists})
		}
	}
	return e, nil
}

func hasContainer(list *yaml.Node, name string) bool {
	for _, c := range items(list) {
		if str(c, "name") == name {
			return true
		}
	}
	return false
}

// jsonEdit walks the operations of a JSON 6902 patch, applying each to sb (the original
// workload as built so far) and its edited form to sa (the migrated one), and returns the
// edits that keep every operation on the same container and the same list entries.
func jsonEdit(ops []*yaml.Node, sb, sa *yaml.Node, t target) (patchEdit, error) {
	var e patchEdit
	for i, n := range ops {
		op := readOp(n)
		oe := opEdit{Index: i}
		path, rp, err := t.repoint(op, op.Path, sb, sa, true)
		if err != nil {
			return e, fmt.Errorf("%s %s: %w", op.Op, op.Path, err)
		}
		if path != op.Path {
			oe.Path = path
		}
		oe.RestartPolicy = rp
		if op.From != "" {
			from, _, err := t.repoint(op, op.From, sb, sa, false)
			if err != nil {
				return e, fmt.Errorf("%s from %s: %w", op.Op, op.From, err)
			}
			if from != op.From {
				oe.From = from
			}
		}
		if err := applyOp(sb, op); err != nil {
			return e, fmt.Errorf("%s %s does not apply to the workload: %w", op.Op, op.Path, err)
		}
		edited := op
		if oe.Path != "" {
			edited.Path = oe.Path
		}
		if oe.From != "" {
			edited.From = oe.From
		}
		if oe.RestartPolicy {
			edited.Value = yaml.CopyYNode(op.Value)
			setRestartPolicy(edited.Value)
		}
		if list, ok := strings.CutSuffix(edited.Path, "/-"); ok && edited.Op == "add" && oe.Path != "" && resolveLast(sa, list) {
			oe.Path, oe.List, edited.Path = list, true, list
			edited.Value = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{edited.Value}}
		}
		if err := applyOp(sa, edited); err != nil {
			return e, fmt.Errorf("%s %s does not apply to the migrated workload: %w", op.Op, op.Path, err)
		}
		if oe.Path != "" || oe.From != "" || oe.RestartPolicy {
			e.Ops = append(e.Ops, oe)
		}
	}
	return e, nil
}

// resolveLast reports whether ptr names a missing key of a mapping that exists in n.
func resolveLast(n *yaml.Node, ptr string) bool {
	tokens, err := pointer(ptr)
	if err != nil || len(tokens) == 0 {
		return false
	}
	parent := resolve(n, tokens[:len(tokens)-1])
	return parent != nil && parent.Kind == yaml.MappingNode && get(parent, tokens[len(tokens)-1]) == nil
}

// repoint maps a JSON pointer of an operation from sb to sa. main is true for the path
// (where the operation writes), false for from.
func (t target) repoint(op jsonOp, ptr string, sb, sa *yaml.Node, main bool) (string, bool, error) {
	tokens, err := pointer(ptr)
	if err != nil {
		return "", false, err
	}
	for _, ps := range t.specs {
		field := strings.Split(ps.Field, ".")
		if len(tokens) <= len(field) || !hasPrefix(tokens, field) {
			continue
		}
		list := tokens[len(field)]
		if list != "containers" && list != "initContainers" {
			continue
		}
		moved := t.moved[ps.Field]
		if len(moved) == 0 {
			return ptr, false, checkIndices(tokens, sb, sa)
		}
		if len(tokens) == len(field)+1 {
			return "", false, fmt.Errorf("it sets the whole %s list, which the migration changes", list)
		}
		if op.Op == "move" || op.Op == "copy" {
			return "", false, fmt.Errorf("it moves or copies containers, which the migration rearranges")
		}
		specB, specA := resolve(sb, field), resolve(sa, field)
		idx, rest := tokens[len(field)+1], tokens[len(field)+2:]
		listB := items(get(specB, list))
		prefix := append([]string{}, field...)
		if op.Op == "add" && len(rest) == 0 && main {
			// A new container: where it must go for the migration of the result to hold.
			name := str(op.Value, "name")
			if idx != "-" {
				n, err := strconv.Atoi(idx)
				if err != nil || n < 0 || n > len(listB) {
					return "", false, fmt.Errorf("index %s out of range", idx)
				}
			}
			newList, newIdx, rp := t.insertAt(list, idx, name, listB, specA, moved)
			return formatPointer(append(prefix, newList, newIdx)), rp, nil
		}
		n, err := strconv.Atoi(idx)
		if err != nil || n < 0 || n >= len(listB) {
			return "", false, fmt.Errorf("index %s out of range", idx)
		}
		name := str(listB[n], "name")
		newList, newN := locate(specA, name)
		if newN < 0 {
			return "", false, fmt.Errorf("container %q is not in the migrated workload", name)
		}
		// A test of the name holds at the new place as at the old one: the move keeps it.
		if len(rest) > 0 && rest[0] == "name" && moved[name] && op.Op != "test" {
			return "", false, fmt.Errorf("it renames container %q, which the migration moves", name)
		}
		inner := items(get(specA, newList))[newN]
		if err := checkIndices(rest, listB[n], inner); err != nil {
			return "", false, err
		}
		rp := false
		if len(rest) == 0 && op.Op == "replace" && main && newList == "initContainers" && list == "containers" {
			if str(op.Value, "name") != name {
				return "", false, fmt.Errorf("it replaces container %q, which the migration moves, with another", name)
			}
			rp = true
		}
		return formatPointer(append(append(prefix, newList, strconv.Itoa(newN)), rest...)), rp, nil
	}
	return ptr, false, checkIndices(tokens, sb, sa)
}

// insertAt says where a container added at idx of list in the original must be added in
// the migrated pod spec specA: a sidecar the migration moves goes to initContainers (with
// restartPolicy: Always, since the patch creates it) in the order the migration gives; any
// other container keeps its place relative to the containers around it.
func (t target) insertAt(list, idx, name string, listB []*yaml.Node, specA *yaml.Node, moved map[string]bool) (string, string, bool) {
	initA := items(get(specA, "initContainers"))
	// following returns the index in initA of the first moved container among names, or -1.
	following := func(names []string) int {
		for _, nm := range names {
			if !moved[nm] {
				continue
			}
			for j, c := range initA {
				if str(c, "name") == nm {
					return j
				}
			}
		}
		return -1
	}
	var after []*yaml.Node // the original containers the new one goes before
	if idx != "-" {
		n, _ := strconv.Atoi(idx)
		after = listB[n:]
	}
	var names []string
	for _, c := range after {
		names = append(names, str(c, "name"))
	}
	movedInInit := 0
	for _, c := range initA {
		if moved[str(c, "name")] {
			movedInInit++
		}
	}
	if list == "containers" && moved[name] {
		if j := following(names); j >= 0 {
			return "initContainers", strconv.Itoa(j), true
		}
		if t.placement == migrate.BeforeInit {
			return "initContainers", strconv.Itoa(movedInInit), true
		}
		return "initContainers", "-", true
	}
	if list == "containers" {
		for _, nm := range names {
			if l, j := locate(specA, nm); l == "containers" && j >= 0 {
				return "containers", strconv.Itoa(j), false
			}
		}
		return "containers", "-", false
	}
	// A new init container.
	for _, nm := range names {
		if l, j := locate(specA, nm); l == "initContainers" && j >= 0 && !moved[nm] {
			return "initContainers", strconv.Itoa(j), false
		}
	}
	if t.placement != migrate.BeforeInit {
		if j := firstMoved(initA, moved); j >= 0 {
			return "initContainers", strconv.Itoa(j), false
		}
	}
	return "initContainers", "-", false
}

func firstMoved(list []*yaml.Node, moved map[string]bool) int {
	for j, c := range list {
		if moved[str(c, "name")] {
			return j
		}
	}
	return -1
}

// locate finds a container by name in a pod spec: its list and index, or index -1.
func locate(spec *yaml.Node, name string) (string, int) {
	for _, list := range []string{"containers", "initContainers"} {
		for j, c := range items(get(spec, list)) {
			if str(c, "name") == name {
				return list, j
			}
		}
	}
	return "", -1
}

// checkIndices refuses a path that indexes into a list that differs between a and b: the
// index would address another entry after the migration.
func checkIndices(tokens []string, a, b *yaml.Node) error {
	for j, tok := range tokens {
		if _, err := strconv.Atoi(tok); err != nil {
			continue
		}
		la, lb := resolve(a, tokens[:j]), resolve(b, tokens[:j])
		if la != nil && la.Kind == yaml.SequenceNode && !equal(la, lb) {
			return fmt.Errorf("it addresses %s by index, and the migration changes that list", formatPointer(tokens[:j+1]))
		}
	}
	return nil
}

func hasPrefix(tokens, prefix []string) bool {
	for i, p := range prefix {
		if tokens[i] != p {
			return false
		}
	}
	return true
}
