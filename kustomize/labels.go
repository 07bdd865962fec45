package kustomize

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// selects reports whether the object's labels and annotations match the selector's label
// and annotation selectors (Kubernetes label selector syntax: "a=b,c!=d,e in (f,g),!h").
func (s *selector) selects(obj *yaml.Node) (bool, error) {
	md := get(obj, "metadata")
	for _, sel := range []struct {
		expr string
		key  string
	}{{s.LabelSelector, "labels"}, {s.AnnotationSelector, "annotations"}} {
		if sel.expr == "" {
			continue
		}
		ok, err := matchSelector(sel.expr, stringMap(get(md, sel.key)))
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

func stringMap(m *yaml.Node) map[string]string {
	out := map[string]string{}
	if m == nil || m.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		out[m.Content[i].Value] = m.Content[i+1].Value
	}
	return out
}

// matchSelector evaluates a label selector expression against a set of labels.
func matchSelector(expr string, labels map[string]string) (bool, error) {
	for _, req := range splitRequirements(expr) {
		req = strings.TrimSpace(req)
		if req == "" {
			continue
		}
		ok, err := matchRequirement(req, labels)
		if err != nil {
			return false, fmt.Errorf("selector %q: %w", expr, err)
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// splitRequirements splits on the commas that are not inside a set "(a,b)".
func splitRequirements(expr string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range expr {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, expr[start:i])
				start = i + 1
			}
		}
	}
	return append(out, expr[start:])
}

func matchRequirement(req string, labels map[string]string) (bool, error) {
	if strings.HasPrefix(req, "!") {
		_, has := labels[strings.TrimSpace(req[1:])]
		return !has, nil
	}
	for _, op := range []string{"!=", "==", "="} {
		if k, v, found := strings.Cut(req, op); found {
			got, has := labels[strings.TrimSpace(k)]
			eq := has && got == strings.TrimSpace(v)
			if op == "!=" {
				return !eq, nil
			}
			return eq, nil
		}
	}
	fields := strings.Fields(req)
	if len(fields) == 1 {
		_, has := labels[fields[0]]
		return has, nil
	}
	if len(fields) >= 2 && (fields[1] == "in" || fields[1] == "notin") {
		set := strings.TrimSpace(strings.Join(fields[2:], " "))
		if !strings.HasPrefix(set, "(") || !strings.HasSuffix(set, ")") {
			return false, fmt.Errorf("%q: want a set in parentheses", req)
		}
		got, has := labels[fields[0]]
		in := false
		for _, v := range strings.Split(set[1:len(set)-1], ",") {
			if has && strings.TrimSpace(v) == got {
				in = true
			}
		}
		if fields[1] == "in" {
			return in, nil
		}
		return !in, nil
	}
	return false, fmt.Errorf("%q: not a label requirement", req)
}
