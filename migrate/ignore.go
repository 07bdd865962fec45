package migrate

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// AnnotationIgnorePrefix starts the key of an ignore that gives its reason, as kube-linter's
// ignore-check.kube-linter.io/CHECK does: ignore.sidecar-migrate.io/RULE: "why".
const AnnotationIgnorePrefix = "ignore.sidecar-migrate.io/"

// noReason stands for the reason of an ignore written without one (sidecar-migrate.io/ignore).
const noReason = "no reason given"

var ruleIgnoreUnknown = Rule{ID: "ignore-unknown-rule", Matches: "an ignore annotation naming a rule that does not exist",
	Summary: "A misspelt ignore silences nothing: the workload is left alone until it names a real rule."}

var _ = rule.Register(rule.Check, ruleIgnoreUnknown)

// checkDisableRules checks the ids of DisableRules.
func (o Options) checkDisableRules() error {
	for _, id := range o.DisableRules {
		if err := rule.CheckID(id); err != nil {
			return fmt.Errorf("disableRules: %w", err)
		}
	}
	return nil
}

// ignores returns the rules ignored on the pod template with the reason of each, from
// sidecar-migrate.io/ignore ("RULE,RULE", no reason) and ignore.sidecar-migrate.io/RULE keys,
// and a message for each ignore that names no rule.
func (t podTemplate) ignores() (reasons map[string]string, unknown []string) {
	reasons = map[string]string{}
	for id := range t.annotationList(AnnotationIgnore) {
		reasons[id] = noReason
	}
	for _, md := range t.metadata {
		a := lookup(md, "annotations")
		if a == nil || a.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(a.Content); i += 2 {
			if id, ok := strings.CutPrefix(a.Content[i].Value, AnnotationIgnorePrefix); ok {
				reasons[id] = strings.TrimSpace(a.Content[i+1].Value)
				if reasons[id] == "" {
					reasons[id] = noReason
				}
			}
		}
	}
	for id := range reasons {
		if err := rule.CheckID(id); err != nil {
			unknown = append(unknown, err.Error())
		}
	}
	sort.Strings(unknown)
	return reasons, unknown
}

// readIgnores sets the ignores of the pod template and reports whether they all name rules;
// when one does not, an error finding says which, and the template is left alone: what it
// meant to silence cannot be known.
func (m *migration) readIgnores(t podTemplate) bool {
	var unknown []string
	m.ignored, unknown = t.ignores()
	for _, msg := range unknown {
		m.report(ruleIgnoreUnknown, Error, t, t.spec, "", "left alone: an ignore annotation names an %s", msg)
	}
	return len(unknown) == 0
}

// unknownFieldError names the unknown fields of an options file with, for each, the nearest
// field of the schema.
func unknownFieldError(names []string) error {
	fields := optionFieldNames(reflect.TypeFor[Options]())
	var parts []string
	for _, n := range names {
		if near := rule.Nearest(n, fields); near != "" {
			parts = append(parts, fmt.Sprintf("%s (did you mean %s?)", n, near))
		} else {
			parts = append(parts, n)
		}
	}
	return fmt.Errorf("unknown field %s", strings.Join(parts, ", "))
}

// optionFieldNames returns the YAML names of the fields of t and of the structs it holds.
func optionFieldNames(t reflect.Type) []string {
	for t.Kind() == reflect.Slice || t.Kind() == reflect.Map || t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		names = append(names, tag)
		names = append(names, optionFieldNames(t.Field(i).Type)...)
	}
	return names
}
