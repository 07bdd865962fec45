package rule

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Kind says what a rule is about; the registry lists rules by kind, in this order.
type Kind uint8

// The kinds. The zero Kind is no kind: a rule gets its kind when it is registered.
const (
	_          Kind = iota
	Evidence        // evidence that a container is a sidecar: it may move
	Check           // a finding about the manifest: a decision, a refusal, an impact
	Workaround      // a Job workaround that the migration removes or keeps
	Input           // a file or document that is not migrated as a manifest
	Repository      // the kustomize pass over a repository
)

var kindNames = [...]string{"", "evidence", "check", "workaround", "input", "repository"}

// String returns the lower-case name of k.
func (k Kind) String() string { return kindNames[k] }

// Confidence says how sure an evidence rule is that a container is a sidecar.
type Confidence int

// The confidences. Only Medium and High evidence moves a container; Low is reported.
const (
	Low Confidence = iota
	Medium
	High
)

// String returns the lower-case name of c.
func (c Confidence) String() string {
	return [...]string{"low", "medium", "high"}[c]
}

// Rule is one rule. Its ID is stable across releases.
type Rule struct {
	ID         string
	Kind       Kind       // set by Register
	Confidence Confidence // for evidence; the other kinds are Low
	Matches    string     // what the rule looks at, for `sidecar-migrate rules`
	Source     string     // for catalogue entries: the upstream documentation the entry stands for
	Summary    string     // one sentence
	Help       string     // what to do about a finding; empty: the kind's advice (see HelpText)
}

// Anchor is the README section that explains the rule.
func (r Rule) Anchor() string {
	switch {
	case strings.HasPrefix(r.ID, "annotation-"), strings.HasPrefix(r.ID, "ignore-"):
		return "annotations"
	case r.Kind == Workaround:
		return "job-workarounds"
	case r.Kind == Repository:
		return "migrating-a-repository"
	case r.Kind == Input:
		return "findings"
	}
	return "rules"
}

// HelpText says what to do about a finding of the rule: its own Help, or its kind's advice.
func (r Rule) HelpText() string {
	if r.Help != "" {
		return r.Help
	}
	if r.Kind == Evidence {
		return "Review the diff (`sidecar-migrate diff`) and apply it (`sidecar-migrate apply`)."
	}
	return "Check what the message says on the workload; the rule's section of the README explains the decision."
}

// ConfidenceText names the rule's confidence, or for a rule that is not evidence its kind
// (check, workaround, input, repository).
func (r Rule) ConfidenceText() string {
	if r.Kind != Evidence {
		return r.Kind.String()
	}
	return r.Confidence.String()
}

var registry struct {
	sync.Mutex
	rules []Rule
	byID  map[string]int
}

// Register adds rules of kind k to the registry and returns them with their kind set.
func Register(k Kind, rules ...Rule) []Rule {
	if k == 0 || int(k) >= len(kindNames) {
		panic(fmt.Sprintf("rule: registering with kind %d", k))
	}
	registry.Lock()
	defer registry.Unlock()
	if registry.byID == nil {
		registry.byID = map[string]int{}
	}
	out := make([]Rule, len(rules))
	for i, r := range rules {
		if err := valid(r); err != nil {
			panic("rule: " + err.Error())
		}
		if _, dup := registry.byID[r.ID]; dup {
			panic("rule: " + r.ID + " registered twice")
		}
		r.Kind = k
		registry.byID[r.ID] = len(registry.rules)
		registry.rules = append(registry.rules, r)
		out[i] = r
	}
	return out
}

func valid(r Rule) error {
	switch {
	case r.ID == "" || r.Matches == "" || r.Summary == "":
		return fmt.Errorf("%q: a rule needs an id, what it matches and a summary", r.ID)
	case strings.Trim(r.ID, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" || strings.HasPrefix(r.ID, "-") || strings.HasSuffix(r.ID, "-") || strings.Contains(r.ID, "--"):
		return fmt.Errorf("%q: an id is lower-case words joined by hyphens", r.ID)
	}
	return nil
}

// All returns every registered rule, by kind and, within a kind, in the order of registration.
func All() []Rule {
	registry.Lock()
	defer registry.Unlock()
	all := slices.Clone(registry.rules)
	slices.SortStableFunc(all, func(a, b Rule) int { return int(a.Kind) - int(b.Kind) })
	return all
}

// Lookup returns the registered rule with id.
func Lookup(id string) (Rule, bool) {
	registry.Lock()
	defer registry.Unlock()
	i, ok := registry.byID[id]
	if !ok {
		return Rule{}, false
	}
	return registry.rules[i], true
}

// CheckID returns nil when id is registered, else an error naming the nearest registered id.
func CheckID(id string) error {
	if _, ok := Lookup(id); ok {
		return nil
	}
	var ids []string
	for _, r := range All() {
		ids = append(ids, r.ID)
	}
	if near := Nearest(id, ids); near != "" {
		return fmt.Errorf("unknown rule %q (did you mean %q?)", id, near)
	}
	return fmt.Errorf("unknown rule %q (sidecar-migrate rules lists them)", id)
}
