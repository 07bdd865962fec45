package kio

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/sidecar-migrate/sidecar-migrate/kio/splice"
	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestRegionProof checks that proving a rendered text by its changed region (splice.Region)
// never accepts what parsing the whole text would refuse, and gives the same moves: on every
// document the golden cases and the corpus change, on the text Render wrote, and on that
// text spoiled line by line (a line dropped, doubled, indented or dedented, a blank or a
// comment line put before it), as a wrong splice could write it.
func TestRegionProof(t *testing.T) {
	inputs := goldenCases(t)
	for _, path := range corpusFiles(t) {
		data, err := os.ReadFile(path)
		if err == nil {
			inputs = append(inputs, regionInput{path, data, migrate.Options{}})
		}
	}
	regions, spoiled := 0, 0
	for _, in := range inputs {
		text, err := yamldoc.Read(in.name, in.data)
		if err != nil {
			continue
		}
		for _, d := range text.Docs() {
			r, s := checkRegion(t, in.name, d, in.opts)
			regions, spoiled = regions+r, spoiled+s
		}
	}
	t.Logf("%d documents proven by their region, %d spoiled texts whose region parsed", regions, spoiled)
	if regions == 0 || spoiled == 0 {
		t.Fatal("no document was proven by its region: the check checked nothing")
	}
}

type regionInput struct {
	name string
	data []byte
	opts migrate.Options
}

// goldenCases returns the input and options of every golden case.
func goldenCases(t *testing.T) []regionInput {
	files, err := filepath.Glob("../migrate/testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden case: %v", err)
	}
	var out []regionInput
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		in := regionInput{}
		for _, f := range ar.Files {
			switch {
			case strings.HasPrefix(f.Name, "input."):
				in.name, in.data = file+"/"+f.Name, f.Data
			case f.Name == "options.yaml":
				if in.opts, err = migrate.ParseOptions(f.Data); err != nil {
					t.Fatalf("%s: %v", file, err)
				}
			}
		}
		out = append(out, in)
	}
	return out
}

// checkRegion migrates d and compares the two proofs on its rendered text and on spoiled
// copies of it; it returns whether the text was proven by its region, and how many spoiled
// copies had a region that parsed.
func checkRegion(t *testing.T, name string, d yamldoc.Doc, opts migrate.Options) (proven, spoiled int) {
	doc, err := d.Parse()
	if err != nil || doc == nil || doc.Content[0].Kind != yaml.MappingNode {
		return 0, 0
	}
	decision := migrate.Decide(yaml.NewRNode(doc), opts)
	if !decision.Changed() || decision.Failed() {
		return 0, 0
	}
	l := splice.Snapshot(d.Content, doc)
	decision.Apply(yaml.NewRNode(doc))
	text, rerr := l.Render(doc)
	if rerr != nil {
		return 0, 0
	}
	byRegion, moves := regionProof(l, doc, text)
	whole, back := wholeProof(doc, text)
	if byRegion {
		proven = 1
		if !whole {
			t.Errorf("%s line %d: the region holds, the whole text does not:\n%s", name, d.Line, text)
		} else if want := l.Moved(doc, text, back); !reflect.DeepEqual(moves, want) {
			t.Errorf("%s line %d: moves by region %v, by the whole text %v", name, d.Line, moves, want)
		}
	}
	edges := []int{}
	if r, ok := l.Region(doc, text); ok {
		edges = append(edges, r.Line, r.Line+strings.Count(r.Text, "\n"))
	}
	for _, bad := range spoil(string(d.Content), text, edges) {
		if ok, _ := regionProof(l, doc, bad); ok {
			spoiled++
			if whole, _ := wholeProof(doc, bad); !whole {
				t.Errorf("%s line %d: the region of a spoiled text holds, the whole text does not:\n%s", name, d.Line, bad)
			}
		}
	}
	return proven, spoiled
}

func regionProof(l *splice.Layout, doc *yaml.Node, text string) (bool, any) {
	r, ok := l.Region(doc, text)
	if !ok {
		return false, nil
	}
	tree, err := yamldoc.Parse([]byte(r.Text), 1)
	if err != nil || !r.Holds(tree) {
		return false, nil
	}
	return true, l.MovedIn(r, tree)
}

func wholeProof(doc *yaml.Node, text string) (bool, *yaml.Node) {
	back, err := yamldoc.Parse([]byte(text), 1)
	return err == nil && back != nil && splice.SameTree(back, doc), back
}

// spoil returns copies of text, the rendered form of orig, with one line changed as a wrong
// splice could change it: the lines within three of where text starts and stops differing
// from orig and of the edges (lines where the region starts and ends). A change further out
// leaves lines outside the region that differ from the original, which Region refuses
// whatever they are; one further in is read by the region's parse as by the whole one.
func spoil(orig, text string, edges []int) []string {
	lines, was := strings.SplitAfter(text, "\n"), strings.SplitAfter(orig, "\n")
	first, last := 0, 0 // lines the same at the start and at the end
	for first < min(len(lines), len(was)) && lines[first] == was[first] {
		first++
	}
	for last < min(len(lines), len(was))-first && lines[len(lines)-1-last] == was[len(was)-1-last] {
		last++
	}
	var out []string
	with := func(i int, repl ...string) {
		out = append(out, strings.Join(lines[:i], "")+strings.Join(repl, "")+strings.Join(lines[i+1:], ""))
	}
	near := func(i int) bool {
		for _, e := range append(edges, first, len(lines)-last) {
			if i >= e-3 && i <= e+3 {
				return true
			}
		}
		return false
	}
	for i, s := range lines {
		if s == "" || !near(i) {
			continue
		}
		ind := len(s) - len(strings.TrimLeft(s, " "))
		with(i)
		with(i, s, s)
		with(i, " "+s)
		with(i, "  "+s)
		if ind > 0 {
			with(i, s[1:])
		}
		if ind > 1 {
			with(i, s[2:])
		}
		with(i, "\n", s)
		with(i, "# c\n", s)
		with(i, strings.Repeat(" ", ind)+"# c\n", s)
		with(i, strings.Repeat(" ", ind+2)+"# c\n", s)
		with(i, s, "\n")
		with(i, s, strings.Repeat(" ", ind+2)+"x\n")
	}
	return out
}
