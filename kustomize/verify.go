package kustomize

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Build runs `kustomize build dir` with the kustomize binary bin and returns the objects it
// prints.
func Build(bin, dir string) ([]*yaml.Node, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "build", dir)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		// kustomize prints warnings before its error: keep the error.
		if i := strings.LastIndex(msg, "Error: "); i >= 0 {
			msg = msg[i+len("Error: "):]
		}
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("kustomize build %s: %s", display(dir), msg)
	}
	docs, err := kio.ParseDocuments("build.yaml", stdout.Bytes())
	if err != nil {
		return nil, err
	}
	out := make([]*yaml.Node, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Node)
	}
	return out, nil
}

// Outcome is the commutation check of one root: whether building it after the migration
// gives the migration of what it built before.
type Outcome struct {
	Root *Root
	// Skipped is set when the root did not build before the migration: nothing to compare.
	Skipped error
	// Failed says why the check failed: the build after failed, or objects differ.
	Failed []string
	// Migrated counts the objects the migration changed, Unchanged those it left as they
	// were, Left the workloads left alone on purpose (refused, or outside the paths).
	Migrated, Unchanged, Left int
	// RolledBack lists the files written back, when this root or one sharing files with it
	// failed.
	RolledBack []string
}

// OK reports whether the check passed.
func (o Outcome) OK() bool { return o.Skipped == nil && len(o.Failed) == 0 }

// String is one line for people.
func (o Outcome) String() string {
	name := filepath.Dir(o.Root.Kustomization.Name)
	switch {
	case o.Skipped != nil:
		return fmt.Sprintf("%s: not checked: it does not build before the migration: %v", name, o.Skipped)
	case len(o.Failed) > 0:
		return fmt.Sprintf("%s: FAILED, rolled back (%s): %s", name, files(len(o.RolledBack)), strings.Join(o.Failed, "; "))
	case len(o.RolledBack) > 0:
		return fmt.Sprintf("%s: rolled back with a root that shares its files (%s)", name, files(len(o.RolledBack)))
	}
	s := fmt.Sprintf("%s: kustomize build commutes with the migration (%d objects migrated, %d unchanged", name, o.Migrated, o.Unchanged)
	if o.Left > 0 {
		s += fmt.Sprintf(", %d workloads left alone on purpose", o.Left)
	}
	return s + ")"
}

// Verifier proves a migration with the real kustomize: Before builds every root before the
// files are written, After builds them again and compares.
type Verifier struct {
	plan   *Plan
	bin    string
	before map[*Root][]*yaml.Node
	errs   map[*Root]error
}

// Verifier returns a verifier that runs the kustomize binary bin.
func (p *Plan) Verifier(bin string) *Verifier {
	for _, r := range p.roots {
		p.follow(r, false)
	}
	return &Verifier{plan: p, bin: bin, before: map[*Root][]*yaml.Node{}, errs: map[*Root]error{}}
}

// Roots returns the kustomizations under the paths that build on their own.
func (p *Plan) Roots() []*Root { return p.roots }

// Before builds every root as it is now.
func (v *Verifier) Before() {
	for _, r := range v.plan.roots {
		r.built = map[string]*Workload{}
		for _, in := range v.plan.repo.expand(r.instances) {
			r.built[builtID(in)] = in.w
		}
		v.before[r], v.errs[r] = Build(v.bin, r.Dir)
	}
}

// After builds every root again and checks that the build after is the migration of the
// build before. written holds the original content of every file written, by absolute
// path. A root that fails is rolled back with every root that shares a written file with
// it: restore holds the files to write back, with their original content.
func (v *Verifier) After(written map[string][]byte) (outcomes []Outcome, restore map[string][]byte) {
	failed := map[*Root]bool{}
	for _, r := range v.plan.roots {
		o := Outcome{Root: r, Skipped: v.errs[r]}
		if o.Skipped == nil {
			after, err := Build(v.bin, r.Dir)
			if err != nil {
				o.Failed = append(o.Failed, err.Error())
			} else {
				v.plan.compare(r, v.before[r], after, &o)
			}
		}
		if len(o.Failed) > 0 {
			failed[r] = true
		}
		outcomes = append(outcomes, o)
	}
	restore = v.plan.closure(failed, written)
	for i, o := range outcomes {
		if !failed[o.Root] {
			continue
		}
		for f := range o.Root.Files {
			if _, ok := restore[f]; ok {
				outcomes[i].RolledBack = append(outcomes[i].RolledBack, v.plan.repo.name(f))
			}
		}
		sort.Strings(outcomes[i].RolledBack)
	}
	return outcomes, restore
}

// closure returns the written files to restore when the failed roots are rolled back:
// theirs, and those of every root that shares a restored file with them, which it adds to
// failed.
func (p *Plan) closure(failed map[*Root]bool, written map[string][]byte) map[string][]byte {
	restore := map[string][]byte{}
	for grew := true; grew; {
		grew = false
		for _, r := range p.roots {
			if failed[r] {
				for f := range r.Files {
					if data, ok := written[f]; ok && restore[f] == nil {
						restore[f], grew = data, true
					}
				}
				continue
			}
			for f := range r.Files {
				if _, ok := restore[f]; ok {
					failed[r], grew = true, true
					break
				}
			}
		}
	}
	return restore
}

// Unwritten returns the written files to restore because a file that the migration of a
// kustomization root changes could not be written (abs paths), or, when interrupted, because
// the run stopped before all of them were: the root's other files, and those of the roots
// that share them, so that every overlay stays consistent with its base.
func (p *Plan) Unwritten(unwritten []string, interrupted bool, written map[string][]byte) map[string][]byte {
	if p == nil {
		return nil
	}
	failed := map[*Root]bool{}
	for _, r := range p.roots {
		if r.Files == nil {
			p.follow(r, false) // the plan let them go once it had decided
		}
		for _, f := range unwritten {
			if r.Files[f] {
				failed[r] = true
			}
		}
		failed[r] = failed[r] || interrupted
	}
	return p.closure(failed, written)
}

// compare checks one root: every object built after must be the migration of the object
// built before, or, for a workload left alone on purpose, the object as it was.
func (p *Plan) compare(r *Root, before, after []*yaml.Node, o *Outcome) {
	index := func(objs []*yaml.Node) (map[string]*yaml.Node, []string) {
		m := map[string]*yaml.Node{}
		var ids []string
		for _, n := range objs {
			id := objectID(n)
			m[id] = n
			ids = append(ids, id)
		}
		return m, ids
	}
	b, ids := index(p.withScripts(before, after)) // ConfigMap scripts: verifyscripts.go
	a, afterIDs := index(after)
	for _, id := range afterIDs {
		if b[id] == nil {
			o.Failed = append(o.Failed, id+": built after the migration only")
		}
	}
	for _, id := range ids {
		an := a[id]
		if an == nil {
			o.Failed = append(o.Failed, id+": no longer built")
			continue
		}
		want := yaml.CopyYNode(b[id])
		migrate.Migrate(yaml.NewRNode(want), p.opts)
		switch {
		case equal(an, want) && equal(an, b[id]):
			o.Unchanged++
		case equal(an, want):
			o.Migrated++
		case equal(an, b[id]) && p.leftAlone(r.built[id]):
			o.Left++
		default:
			o.Failed = append(o.Failed, fmt.Sprintf("%s: differs from the migration of its build at %s", id, difference(an, want)))
		}
	}
}

// leftAlone reports whether a workload is left unmigrated on purpose: refused, outside the
// paths, or not from a file (a generator's, a remote base's: w is nil).
func (p *Plan) leftAlone(w *Workload) bool {
	return w == nil || p.refused[w] != "" || !p.inScope(w)
}

// objectID is kind/namespace/name of a built object.
func objectID(n *yaml.Node) string {
	md := get(n, "metadata")
	return str(n, "kind") + "/" + str(md, "namespace") + "/" + str(md, "name")
}

func files(n int) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files", n)
}
