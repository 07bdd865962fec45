package migrate

import (
	"reflect"
	"testing"
)

func TestExpandKube(t *testing.T) {
	vars := map[string]kubeVar{"A": {value: "x", known: true}, "S": {}}
	for _, tc := range []struct {
		in, want string
		envFrom  bool
		unknown  []string
	}{
		{"$(A)", "x", false, nil},
		{"-$(A)-$(A)", "-x-x", false, nil},
		{"$$(A)", "$(A)", false, nil},
		{"$$$(A)", "$x", false, nil},
		{"$(B)", "$(B)", false, nil},
		{"$(B)", "$(B)", true, []string{"B"}},
		{"$(S)", "$(S)", false, []string{"S"}},
		{"$(A", "$(A", false, nil},
		{"$A ${A} $", "$A ${A} $", false, nil},
	} {
		got, unknown := expandKube(tc.in, vars, tc.envFrom)
		if got != tc.want || !reflect.DeepEqual(unknown, tc.unknown) {
			t.Errorf("expandKube(%q) = %q, %q; want %q, %q", tc.in, got, unknown, tc.want, tc.unknown)
		}
	}
}
