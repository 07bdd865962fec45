package kubevalidate

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// before135 reports whether this build validates with the rules of Kubernetes 1.34, where the
// ContainerRestartRules gate is off; later releases turn it on.
func before135() bool { return strings.HasPrefix(KubernetesVersion(), "1.34") }

// TestValidator pins what the validator accepts, so that a test below that passes because
// nothing is ever rejected cannot go unnoticed.
func TestValidator(t *testing.T) {
	const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
`
	tests := []struct {
		name string
		spec string
		// want is the first error under 1.34 rules, and under the newest release's; "" is
		// accepted.
		want134, wantNewest string
	}{
		{"native sidecar", `
      initContainers:
      - name: proxy
        restartPolicy: Always
        image: proxy
        readinessProbe: {tcpSocket: {port: 8080}}
      containers:
      - {name: app, image: app}
`, "", ""},
		{"legacy sidecar", `
      containers:
      - {name: app, image: app}
      - {name: proxy, image: proxy}
`, "", ""},
		{"probe on a plain init container", `
      initContainers:
      - name: proxy
        image: proxy
        readinessProbe: {tcpSocket: {port: 8080}}
      containers:
      - {name: app, image: app}
`, "spec.template.spec.container(proxy).readinessProbe: Forbidden", "spec.template.spec.container(proxy).readinessProbe: Forbidden"},
		{"restartPolicy Never on an init container", `
      initContainers:
      - {name: setup, image: setup, restartPolicy: Never}
      containers:
      - {name: app, image: app}
`, "spec.template.spec.container(setup): dropped by the API server (feature gate off): restartPolicy: Never", ""},
		{"restartPolicy on a regular container", `
      containers:
      - {name: app, image: app}
      - {name: proxy, image: proxy, restartPolicy: Always}
`, "spec.template.spec.container(proxy): dropped by the API server (feature gate off): restartPolicy: Always", ""},
		{"two containers named alike", `
      initContainers:
      - {name: app, image: proxy, restartPolicy: Always}
      containers:
      - {name: app, image: app}
`, "spec.template.spec.container(app).name: Duplicate value", "spec.template.spec.container(app).name: Duplicate value"},
		{"unknown field", `
      containers:
      - {name: app, image: app, restartpolicy: Always}
`, `decode: unknown field "spec.template.spec.container(app).restartpolicy"`, `decode: unknown field "spec.template.spec.container(app).restartpolicy"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := ValidateFile([]byte(deployment+strings.TrimPrefix(tc.spec, "\n")), AsWritten)
			if err != nil || len(ws) != 1 {
				t.Fatalf("got %d workloads, error %v", len(ws), err)
			}
			want := tc.wantNewest
			if before135() {
				want = tc.want134
			}
			got := strings.Join(ws[0].Errors, "\n")
			if want == "" && got != "" || want != "" && !strings.HasPrefix(got, want) {
				t.Errorf("Kubernetes %s:\ngot  %s\nwant %s", KubernetesVersion(), got, want)
			}
		})
	}
}

// TestValidateFileKinds checks that every workload kind and List items are validated and that
// other objects are skipped.
func TestValidateFileKinds(t *testing.T) {
	data := `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: app}]
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: p}
  spec:
    containers: [{name: app, image: app}]
- apiVersion: v1
  kind: Service
  metadata: {name: s}
`
	ws, err := ValidateFile([]byte(data), AsWritten)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, w := range ws {
		ids = append(ids, w.ID()+" "+strings.Join(w.Errors, "; "))
	}
	want := []string{
		"doc 1 CronJob/nightly spec.jobTemplate.spec.template.spec.container(app).image: Required value",
		"doc 2 item 0 Pod/p ",
	}
	if strings.Join(ids, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(ids, "\n"), strings.Join(want, "\n"))
	}
}

// TestDecodeErrorsKeptByMoves checks that a decoding error is the same for a document before
// and after its migration when the migration did not cause it: the API machinery quotes the
// whole document in some errors, and names a container by its list and index in others.
func TestDecodeErrorsKeptByMoves(t *testing.T) {
	const deployment = "kind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n"
	tests := []struct {
		name, before, after string
	}{
		{"apiVersion without a version",
			"apiVersion: apps/\n" + deployment + "      containers: [{name: app}, {name: proxy}]\n",
			"apiVersion: apps/\n" + deployment + "      initContainers: [{name: proxy, restartPolicy: Always}]\n      containers: [{name: app}]\n"},
		{"empty apiVersion",
			"apiVersion: ''\n" + deployment + "      containers: [{name: app}]\n",
			"apiVersion: ''\n" + deployment + "      containers: [{name: app, image: app}]\n"},
		{"a container name that is a number",
			"apiVersion: apps/v1\n" + deployment + "      containers: [{name: app}, {name: 0}]\n",
			"apiVersion: apps/v1\n" + deployment + "      initContainers: [{name: 0, restartPolicy: Always}]\n      containers: [{name: app}]\n"},
		{"an unknown field on a moved container",
			"apiVersion: apps/v1\n" + deployment + "      containers: [{name: app, image: app}, {name: proxy, image: proxy, prot: 1}]\n",
			"apiVersion: apps/v1\n" + deployment + "      initContainers: [{name: proxy, image: proxy, prot: 1, restartPolicy: Always}]\n      containers: [{name: app, image: app}]\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var errs [2]string
			for i, doc := range []string{tc.before, tc.after} {
				ws, err := ValidateFile([]byte(doc), CompleteSelectors)
				if err != nil || len(ws) != 1 {
					t.Fatalf("got %v, error %v", ws, err)
				}
				decode := slices.DeleteFunc(ws[0].Errors, func(e string) bool { return !strings.HasPrefix(e, "decode: ") })
				if len(decode) != 1 {
					t.Fatalf("want one decoding error, got %q", ws[0].Errors)
				}
				errs[i] = decode[0]
			}
			if errs[0] != errs[1] {
				t.Errorf("the errors differ:\nbefore %s\nafter  %s", errs[0], errs[1])
			}
		})
	}
}

// goldenCase is the input of a golden case and its expected output (the input itself where
// the case expects no change, or refuses the input and never writes it).
type goldenCase struct {
	name          string
	input, output []byte
}

func goldenCases(tb testing.TB) []goldenCase {
	files, _ := filepath.Glob("../../migrate/testdata/*.txtar")
	if len(files) == 0 {
		tb.Fatal("no golden cases")
	}
	var cases []goldenCase
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		c := goldenCase{name: filepath.Base(file)}
		hasOutput := false
		for _, f := range ar.Files {
			switch f.Name {
			case "input.yaml", "input.json":
				c.input = f.Data
			case "output.yaml", "output.json":
				c.output, hasOutput = f.Data, true
			}
		}
		if !hasOutput {
			c.output = c.input
		}
		cases = append(cases, c)
	}
	return cases
}

// TestGoldenOutputs validates the input and the expected output of every golden case: an
// accepted input must give an accepted output, and a rejected one must not get worse.
func TestGoldenOutputs(t *testing.T) {
	var total Tally
	for _, c := range goldenCases(t) {
		total.Add(check(t, c.name, c.input, c.output, CompleteSelectors))
	}
	t.Logf("Kubernetes %s, golden cases: %s", KubernetesVersion(), total)
}

// TestExamples validates testdata/examples before and after the migration.
func TestExamples(t *testing.T) {
	total := checkTree(t, "../../testdata/examples")
	if total.Workloads == 0 || total.Rejected > 0 {
		t.Fatalf("testdata/examples: every example must be a valid workload: %s", total)
	}
	t.Logf("Kubernetes %s, testdata/examples: %s", KubernetesVersion(), total)
}

// TestCorpus validates the real-world manifests of ../shared/corpus before and after the
// migration.
func TestCorpus(t *testing.T) {
	const dir = "../../../shared/corpus"
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no corpus at %s: %v", dir, err)
	}
	t.Logf("Kubernetes %s, corpus: %s", KubernetesVersion(), checkTree(t, dir))
}

// checkTree migrates every manifest under dir with the default options and checks each.
func checkTree(t *testing.T, dir string) Tally {
	inputs, errs := kio.Collect([]string{dir}, kio.Filter{})
	for _, err := range errs {
		t.Fatal(err)
	}
	var total Tally
	for _, in := range inputs {
		if in.HelmTemplate {
			continue
		}
		data, err := os.ReadFile(in.Path)
		if err != nil {
			t.Fatal(err)
		}
		r := kio.File(in.Path, data, migrate.Options{})
		if r.Err != nil {
			continue // never written: nothing to validate
		}
		rel, _ := filepath.Rel(dir, in.Path)
		total.Add(check(t, rel, r.Before, r.After, AsWritten))
	}
	return total
}

// check validates one file before and after its migration, fails the test for anything that
// got worse, and logs the workloads that were rejected before.
func check(t *testing.T, name string, before, after []byte, mode Mode) Tally {
	t.Helper()
	wb, err := ValidateFile(before, mode)
	if err != nil {
		t.Logf("%s: input: %v", name, err)
		return Tally{}
	}
	wa, err := ValidateFile(after, mode)
	if err != nil {
		t.Errorf("%s: output: %v", name, err)
		return Tally{}
	}
	tally, worse := Compare(wb, wa)
	for _, w := range worse {
		t.Errorf("%s: worse after the migration: %s", name, w)
	}
	for _, w := range wb {
		if !w.Valid() {
			t.Logf("%s: rejected before: %s: %s", name, w.ID(), strings.Join(w.Errors, "; "))
		}
	}
	return tally
}
