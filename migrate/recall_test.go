package migrate_test

import (
	"fmt"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recallCase is one line of testdata/recall-table.txt: a container (image and command line)
// in a pod context, what must become of it, and the documentation it stands for.
type recallCase struct {
	line                int
	image, args, source string
	context, want, name string
}

// The contexts a container is put in. The app is registry.example.com/shop/checkout, in a
// workload of that name, listening on 8080.
//
//	app      beside the app, in a Deployment
//	app-cm   beside the app, its /etc/config a ConfigMap volume
//	job      beside the app, in a Job
//	alone    the only container
//	own      beside the app, in a workload named like the container's software
//	sidecars beside prometheus-to-sd only: no plain app
//	default  beside the app, named in kubectl.kubernetes.io/default-container
//	crd      beside the app, in a custom resource nobody configured
//	init     in initContainers, beside the app
//
// want is move (a sidecar that moves), stay (not a sidecar, or not provably one: it must not
// move) or miss (a sidecar left where it is, which must get a finding: never silent).
var recallContexts = map[string]bool{"app": true, "app-cm": true, "job": true, "alone": true, "own": true, "sidecars": true, "default": true, "crd": true, "init": true}

func readRecallTable(t *testing.T) []recallCase {
	data, err := os.ReadFile("testdata/recall-table.txt")
	require.NoError(t, err)
	var cases []recallCase
	for i, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, "|")
		require.Len(t, f, 6, "line %d: image | args | name | context | want | source", i+1)
		for j := range f {
			f[j] = strings.TrimSpace(f[j])
		}
		c := recallCase{line: i + 1, image: f[0], args: f[1], name: f[2], context: f[3], want: f[4], source: f[5]}
		require.True(t, recallContexts[c.context], "line %d: unknown context %q", c.line, c.context)
		require.Contains(t, []string{"move", "stay", "miss"}, c.want, "line %d", c.line)
		require.True(t, strings.HasPrefix(c.source, "https://"), "line %d: a source is a URL", c.line)
		if c.name == "-" {
			c.name = strings.ReplaceAll(path.Base(strings.Split(c.image, ":")[0]), "_", "-")
		}
		cases = append(cases, c)
	}
	return cases
}

// manifest writes the case's container into its context.
func (c recallCase) manifest() string {
	kind, api, workload, annotations := "Deployment", "apps/v1", "checkout", ""
	switch c.context {
	case "job":
		kind, api = "Job", "batch/v1"
	case "own":
		workload = "prod-" + c.name
	case "crd":
		kind, api = "Rollout", "argoproj.io/v1alpha1"
	case "default":
		annotations = "\n      annotations:\n        kubectl.kubernetes.io/default-container: " + c.name
	}
	args := ""
	if c.args != "-" {
		var quoted []string
		for _, a := range strings.Fields(c.args) {
			quoted = append(quoted, fmt.Sprintf("%q", a))
		}
		args = "\n        args: [" + strings.Join(quoted, ", ") + "]"
	}
	sidecar := fmt.Sprintf("      - name: %s\n        image: %s%s\n", c.name, c.image, args)
	if c.context == "app-cm" {
		sidecar += "        volumeMounts:\n        - name: config\n          mountPath: /etc/config\n"
	}
	app := "      - name: checkout\n        image: registry.example.com/shop/checkout:1.4\n        ports:\n        - containerPort: 8080\n"
	switch c.context {
	case "alone":
		app = ""
	case "sidecars":
		app = "      - name: prometheus-to-sd\n        image: gcr.io/google-containers/prometheus-to-sd:v0.9.2\n"
	}
	lists := "      containers:\n" + app + sidecar
	if c.context == "init" {
		lists = "      initContainers:\n" + sidecar + "      containers:\n" + app
	}
	spec := "      restartPolicy: Never\n"
	if kind != "Job" {
		spec = ""
	}
	volumes := ""
	if c.context == "app-cm" {
		volumes = "      volumes:\n      - name: config\n        configMap:\n          name: " + workload + "-proxy\n"
	}
	return fmt.Sprintf("apiVersion: %s\nkind: %s\nmetadata:\n  name: %s\nspec:\n  template:\n    metadata:\n      labels:\n        app: %s%s\n    spec:\n%s%s%s",
		api, kind, workload, workload, annotations, spec, lists, volumes)
}

// TestRecallTable runs every line of testdata/recall-table.txt and reports recall (sidecars
// moved among the sidecars) and precision (sidecars among the moved).
func TestRecallTable(t *testing.T) {
	cases := readRecallTable(t)
	var sidecars, moved, movedRight, negatives int
	for _, c := range cases {
		doc := c.manifest()
		r := kio.File("recall.yaml", []byte(doc), migrate.Options{})
		require.NoError(t, r.Err, "line %d:\n%s", c.line, doc)
		didMove, said := false, false
		for _, m := range r.Moved {
			didMove = didMove || m.Container == c.name
		}
		for _, f := range r.Findings {
			said = said || f.Container == c.name
		}
		if c.context == "init" {
			// An init container "moves" when it is made native.
			didMove = strings.Contains(string(r.After), "- name: "+c.name+"\n        restartPolicy: Always")
		}
		switch c.want {
		case "move":
			assert.True(t, didMove, "line %d: %s (%s) should move\n%s\nfindings: %v", c.line, c.image, c.context, doc, r.Findings)
		case "stay":
			assert.False(t, didMove, "line %d: %s (%s) must stay\n%s", c.line, c.image, c.context, doc)
		case "miss":
			assert.False(t, didMove, "line %d: a known miss that moves now: mark it move", c.line)
			assert.True(t, said, "line %d: %s (%s) is left without a finding", c.line, c.image, c.context)
		}
		if c.want != "stay" {
			sidecars++
		} else {
			negatives++
		}
		if didMove {
			moved++
			if c.want == "move" {
				movedRight++
			}
		}
	}
	require.GreaterOrEqual(t, len(cases), 120)
	require.GreaterOrEqual(t, negatives, 40)
	t.Logf("recall table: %d lines, %d sidecars, %d negatives; recall %d/%d = %.1f%%, precision %d/%d",
		len(cases), sidecars, negatives, movedRight, sidecars, 100*float64(movedRight)/float64(sidecars), movedRight, moved)
}
