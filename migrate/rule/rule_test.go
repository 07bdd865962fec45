package rule_test

import (
	"testing"

	_ "github.com/sidecar-migrate/sidecar-migrate/migrate" // registers every rule
	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAllByKind(t *testing.T) {
	all := rule.All()
	require.NotEmpty(t, all)
	seen := map[string]bool{}
	for i, r := range all {
		assert.False(t, seen[r.ID], "%s listed twice", r.ID)
		seen[r.ID] = true
		assert.NotZero(t, r.Kind, "%s has its kind", r.ID)
		if i > 0 {
			assert.LessOrEqual(t, all[i-1].Kind, r.Kind, "%s after %s: listed by kind", r.ID, all[i-1].ID)
		}
		if r.Kind != rule.Evidence {
			assert.Equal(t, rule.Low, r.Confidence, "%s: only evidence has a confidence", r.ID)
			assert.Equal(t, r.Kind.String(), r.ConfidenceText())
		}
		got, ok := rule.Lookup(r.ID)
		assert.True(t, ok)
		assert.Equal(t, r, got)
	}
	for _, id := range []string{"image-istio-proxy", "config-image", "hack-shutdown-call", "input-error", "kustomize-patch", "ignore-unknown-rule"} {
		assert.True(t, seen[id], "%s is registered", id)
	}
}

func TestAnchor(t *testing.T) {
	for id, want := range map[string]string{
		"hack-shutdown-call": "job-workarounds", "share-process-namespace": "job-workarounds",
		"kustomize-patch": "migrating-a-repository", "annotation-skip": "annotations",
		"annotation-sidecars": "annotations", "ignore-unknown-rule": "annotations",
		"input-error": "findings", "empty-file": "findings", "image-istio-proxy": "rules", "single-container": "rules",
	} {
		r, ok := rule.Lookup(id)
		require.True(t, ok, id)
		assert.Equal(t, want, r.Anchor(), id)
	}
}

func TestCheckID(t *testing.T) {
	assert.NoError(t, rule.CheckID("hack-shutdown-call"))
	assert.EqualError(t, rule.CheckID("hack-shutdown-cal"), `unknown rule "hack-shutdown-cal" (did you mean "hack-shutdown-call"?)`)
	assert.EqualError(t, rule.CheckID("zzzzzzzz"), `unknown rule "zzzzzzzz" (sidecar-migrate rules lists them)`)
}

func TestRegisterRefusesBadRules(t *testing.T) {
	for name, r := range map[string]rule.Rule{
		"no id":         {Matches: "m", Summary: "s"},
		"no summary":    {ID: "x-no-summary", Matches: "m"},
		"upper case":    {ID: "Hack-X", Matches: "m", Summary: "s"},
		"double dash":   {ID: "hack--x", Matches: "m", Summary: "s"},
		"taken":         {ID: "hack-shutdown-call", Matches: "m", Summary: "s"},
		"trailing dash": {ID: "hack-", Matches: "m", Summary: "s"},
	} {
		assert.Panics(t, func() { rule.Register(rule.Check, r) }, name)
	}
	assert.Panics(t, func() { rule.Register(0, rule.Rule{ID: "no-kind", Matches: "m", Summary: "s"}) })
}

func TestNearest(t *testing.T) {
	ids := []string{"hack-shutdown-call", "hack-kill-sidecar"}
	assert.Equal(t, "hack-kill-sidecar", rule.Nearest("hack-kill-sidcar", ids))
	assert.Equal(t, "", rule.Nearest("image-x", ids))
}
