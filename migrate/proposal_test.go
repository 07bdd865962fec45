package migrate

import (
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/internal/textedit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const proposalPod = `apiVersion: batch/v1
kind: Job
metadata:
  name: j
spec:
  template:
    metadata:
      annotations:
        nrmitchi.com/sidecars: proxy
    spec:
      initContainers:
      - name: proxy
        image: envoyproxy/envoy
        restartPolicy: Always
        env:
        - name: A
          value: "1"
      containers:
      - name: app
        image: busybox
        command: [sh, -c, "work; curl -X POST localhost:15000/quitquitquit"]
        env:
        - name: X
          value: "1"
        - name: Y
          value: "2"
      volumes:
      - name: v
        emptyDir: {}
`

func propose(p Proposal) Proposal {
	p.Rule, p.Message = ruleKubexit, "changed"
	return p
}

func TestAccept(t *testing.T) {
	script := "work; curl -X POST localhost:15000/quitquitquit"
	cut := strings.Index(script, "; curl")
	for _, tc := range []struct {
		name      string
		proposals []Proposal
		applied   int
		want      []string // substrings of the output
		gone      []string // substrings that must be gone
		warning   string   // the warning a dropped proposal gets
	}{
		{name: "text edit", applied: 1,
			proposals: []Proposal{propose(Proposal{Edits: []Edit{{Path: inContainer("app", key("command"), index(2)), Op: OpText, Text: []textedit.Edit{{From: cut, To: len(script)}}}}})},
			want:      []string{`command: [sh, -c, "work"]`}},
		{name: "overlapping text edits of two proposals", applied: 1, warning: "conflicts",
			proposals: []Proposal{
				propose(Proposal{Edits: []Edit{{Path: inContainer("app", key("command"), index(2)), Op: OpText, Text: []textedit.Edit{{From: 0, To: 4, Text: "job"}}}}}),
				propose(Proposal{Edits: []Edit{{Path: inContainer("app", key("command"), index(2)), Op: OpText, Text: []textedit.Edit{{From: 2, To: 6, Text: "x"}}}}}),
			},
			want: []string{`"job; curl`}},
		{name: "disjoint text edits of two proposals", applied: 2,
			proposals: []Proposal{
				propose(Proposal{Edits: []Edit{{Path: inContainer("app", key("command"), index(2)), Op: OpText, Text: []textedit.Edit{{From: 0, To: 4, Text: "job"}}}}}),
				propose(Proposal{Edits: []Edit{{Path: inContainer("app", key("command"), index(2)), Op: OpText, Text: []textedit.Edit{{From: 5, To: 5}}}}}),
			},
			want: []string{`"job; curl`}},
		{name: "an edit under a node another deletes", applied: 1, warning: "conflicts",
			proposals: []Proposal{
				propose(Proposal{Edits: []Edit{{Path: inContainer("app", key("env")), Op: OpDelete}}}),
				propose(Proposal{Edits: []Edit{{Path: inContainer("app", key("env"), named("X"), key("value")), Op: OpSet, Value: "3"}}}),
			},
			gone: []string{"name: X"}},
		{name: "one proposal that deletes and edits below", applied: 0, warning: "conflicts",
			proposals: []Proposal{propose(Proposal{Edits: []Edit{
				{Path: inContainer("app", key("env")), Op: OpDelete},
				{Path: inContainer("app", key("env"), named("X"), key("value")), Op: OpSet, Value: "3"},
			}})}},
		{name: "deletions prune what they empty", applied: 1,
			proposals: []Proposal{propose(Proposal{Edits: []Edit{
				{Path: inContainer("app", key("env"), named("X")), Op: OpDelete, Prune: true},
				{Path: inContainer("app", key("env"), named("Y")), Op: OpDelete, Prune: true},
				{Path: inSpec(key("volumes"), named("v")), Op: OpDelete, Prune: true},
				{Path: Path{Holder: 2, Steps: []Step{key("metadata"), key("annotations"), key("nrmitchi.com/sidecars")}}, Op: OpDelete, Prune: true},
			}})},
			gone: []string{"env:\n        - name: X", "volumes", "metadata:\n      annotations", "nrmitchi"}},
		{name: "a container found in either list", applied: 1,
			proposals: []Proposal{propose(Proposal{Edits: []Edit{{Path: inContainer("proxy", key("env"), named("A")), Op: OpDelete, Prune: true}}})},
			gone:      []string{"name: A"}},
		{name: "inserts keep their order", applied: 1,
			proposals: []Proposal{propose(Proposal{Edits: []Edit{
				{Path: inContainer("app", key("command"), index(0)), Op: OpInsertAfter, Value: "one", Tag: "!!str"},
				{Path: inContainer("app", key("command"), index(0)), Op: OpInsertAfter, Value: "two", Tag: "!!str"},
				{Path: inContainer("app", key("command"), index(1)), Op: OpSet, Value: "-ec", Tag: "!!str", Restyle: true},
			}})},
			want: []string{"command: [sh, one, two, -ec, "}},
		{name: "a path to nothing", applied: 0, warning: "no such node",
			proposals: []Proposal{propose(Proposal{Edits: []Edit{{Path: inContainer("nobody", key("env")), Op: OpDelete}}})}},
		{name: "a proposal that serves a held container", applied: 0, warning: "container proxy stays a legacy sidecar",
			proposals: []Proposal{propose(Proposal{Releases: Releases{Containers: []string{"proxy"}}, Edits: []Edit{{Path: inContainer("app", key("env")), Op: OpDelete}}})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := yaml.Parse(proposalPod)
			require.NoError(t, err)
			templates := findPodTemplates(doc.YNode(), "", Options{})
			require.Len(t, templates, 1)
			m := migration{held: map[string]*unproven{}}
			if tc.warning != "" && strings.Contains(tc.warning, "held") || strings.Contains(tc.warning, "legacy") {
				m.held["proxy"] = &unproven{}
			}
			applied := m.accept(templates[0], tc.proposals)
			assert.Len(t, applied, tc.applied)
			out := doc.MustString()
			for _, w := range tc.want {
				assert.Contains(t, out, w)
			}
			for _, g := range tc.gone {
				assert.NotContains(t, out, g)
			}
			var warnings []string
			for _, f := range m.findings {
				if f.Severity == Warning {
					warnings = append(warnings, f.Message)
				}
			}
			if tc.warning == "" {
				assert.Empty(t, warnings)
			} else {
				require.Len(t, warnings, 1)
				assert.Contains(t, warnings[0], tc.warning)
			}
			assert.Equal(t, tc.applied, len(m.findings)-len(warnings), "one finding per applied proposal, from the proposal")
		})
	}
}

func TestTextChange(t *testing.T) {
	for _, tc := range [][2]string{{"abc", "abc"}, {"a; b; c", "a; c"}, {"", "x"}, {"aaa", "aa"}, {"kubexit app", "app"}} {
		e := textChange(tc[0], tc[1])
		got, err := textedit.Apply(tc[0], []textedit.Edit{e})
		require.NoError(t, err)
		assert.Equal(t, tc[1], got)
	}
}
