package kio

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// CheckInvariants migrates data, named path, with opts and checks what must hold for any
// input whatsoever: the input bytes are not modified; a file that failed or did not change
// comes back byte for byte; a changed file parses, keeps every container (nothing lost,
// nothing duplicated, but for the workaround containers it reports deleted), proves every
// container it made native where an exit may be final, removes only proposed statements
// (migrate.CheckOutcome), shows no line of a container that stays where it was as removed
// or added in its diff, and does not change when migrated again. It returns the result and an
// error naming the first property that does not hold. The fuzz tests call it, here and in
// the validation module.
func CheckInvariants(path string, data []byte, opts migrate.Options) (FileResult, error) {
	in := bytes.Clone(data)
	r := File(path, data, opts)
	if !bytes.Equal(in, data) {
		return r, errors.New("input bytes were modified")
	}
	for _, f := range append(slices.Clip(r.Findings), r.Ignored...) {
		if err := rule.CheckID(f.Rule); err != nil {
			return r, fmt.Errorf("line %d: a finding of a rule the registry does not know: %w", f.Line, err)
		}
	}
	if r.Err != nil || !r.Changed() {
		if !bytes.Equal(r.After, data) {
			return r, errors.New("an unchanged or failed file must come back byte for byte")
		}
		return r, nil
	}
	before, err := containerNames(r.Before)
	if err != nil {
		return r, fmt.Errorf("input: %w", err)
	}
	after, err := containerNames(r.After)
	if err != nil {
		return r, fmt.Errorf("output: %w\n%s", err, r.After)
	}
	if !slices.Equal(before, deletedBack(after, before, r.Findings)) {
		return r, fmt.Errorf("containers changed: %v -> %v", before, after)
	}
	if err := outcomeHolds(r.Before, r.After, opts); err != nil {
		return r, err
	}
	if err := unmovedContainersKept(r, opts); err != nil {
		return r, err
	}
	again := File(path, r.After, opts)
	if again.Err != nil || !bytes.Equal(again.After, r.After) {
		return r, fmt.Errorf("second run changed the output (err %v):\n%s\n---\n%s", again.Err, r.After, again.After)
	}
	return r, nil
}

// deletedBack returns after with the containers that a fixed hack-stop-controller finding
// says were deleted, if before had them: the one other container a migration removes.
func deletedBack(after, before []string, findings []migrate.Finding) []string {
	out := slices.Clone(after)
	for _, f := range findings {
		if f.Fixed && migrate.DeletesContainer(f.Rule) && slices.Contains(before, f.Container) {
			out = append(out, f.Container)
		}
	}
	slices.Sort(out)
	return out
}

// outcomeHolds checks migrate.CheckOutcome on every document the migration changed: a
// container made native where an exit may be final is proven long-lived on the output, and
// every statement that went from a script was proposed by a recogniser.
func outcomeHolds(before, after []byte, opts migrate.Options) error {
	ins, outs := yamldoc.Decode("", before).Docs(), yamldoc.Decode("", after).Docs()
	if len(ins) != len(outs) {
		return fmt.Errorf("%d documents became %d", len(ins), len(outs))
	}
	for i := range ins {
		a, b := ins[i].Content, outs[i].Content
		if bytes.Equal(a, b) || !migrate.MayApply(a) {
			continue
		}
		x, err := ins[i].Parse()
		if err != nil || x == nil {
			continue
		}
		y, perr := outs[i].Parse()
		if perr != nil || y == nil {
			return fmt.Errorf("output document %d does not parse", i+1)
		}
		if err := migrate.CheckOutcome(x, y, opts); err != nil {
			return fmt.Errorf("document %d: %w\n%s", i+1, err, b)
		}
	}
	return nil
}

// containerNames returns the sorted names of all containers and init containers of the
// documents in data. Documents that may hold a pod template must parse; the others are
// never parsed by the tool either, so they may be anything.
func containerNames(data []byte) ([]string, error) {
	var names []string
	for _, d := range yamldoc.Decode("", data).Docs() {
		if !migrate.MayApply(d.Content) {
			continue
		}
		doc, err := d.Parse()
		if err != nil {
			return nil, fmt.Errorf("does not parse: %w", err)
		}
		if doc != nil {
			collectNames(doc, &names)
		}
	}
	slices.Sort(names)
	return names, nil
}

func collectNames(n *yaml.Node, names *[]string) {
	for i := 0; i+1 < len(n.Content) && n.Kind == yaml.MappingNode; i += 2 {
		if k := n.Content[i].Value; (k == "containers" || k == "initContainers") && n.Content[i+1].Kind == yaml.SequenceNode {
			for _, c := range n.Content[i+1].Content {
				name, image := "", ""
				for j := 0; j+1 < len(c.Content); j += 2 {
					switch c.Content[j].Value {
					case "name":
						name = c.Content[j+1].Value
					case "image":
						image = c.Content[j+1].Value
					}
				}
				// The init container that installs kubexit is the one container a
				// migration removes, with kubexit itself.
				if !strings.Contains(image, "kubexit") {
					*names = append(*names, name)
				}
			}
		}
	}
	for _, c := range n.Content {
		collectNames(c, names)
	}
}
