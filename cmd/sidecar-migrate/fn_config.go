package main

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The functionConfig kind whose spec holds the options.
const (
	configKind       = "SidecarMigration"
	configAPIVersion = "sidecar-migrate.io/v1alpha1"
)

// failOnKey is the functionConfig field for --fail-on. It is not a migration option, so the
// --config file does not have it.
const failOnKey = "failOn"

// functionConfig is what the function runs with.
type functionConfig struct {
	opts   migrate.Options
	failOn migrate.Severity
}

// readFunctionConfig reads the functionConfig fc over the command-line options: each option
// fc sets replaces the flag's value, and the result is decoded and checked as strictly as a
// --config file, so an unknown field is an error that names it.
func readFunctionConfig(fc *yaml.RNode, flags migrate.Options, failOn string) (functionConfig, error) {
	var cfg functionConfig
	text, err := yaml.Marshal(flags)
	if err != nil {
		return cfg, err
	}
	fields, err := yaml.Parse(string(text))
	if err != nil {
		return cfg, err
	}
	where := "functionConfig"
	if fc != nil && !fc.IsNilOrEmpty() {
		kind, apiVersion := fc.GetKind(), fc.GetApiVersion()
		where += " " + kind
		switch {
		case kind == configKind && apiVersion == configAPIVersion:
			err = overlaySpec(fields, fc, &failOn)
		case kind == "ConfigMap" && apiVersion == "v1":
			err = overlayData(fields, fc.GetDataMap(), &failOn)
		default:
			err = fmt.Errorf("want kind %s (apiVersion %s) or a v1 ConfigMap, got %q %q", configKind, configAPIVersion, apiVersion, kind)
		}
		if err != nil {
			return cfg, fmt.Errorf("%s: %w", where, err)
		}
	}
	if cfg.opts, err = migrate.ParseOptions([]byte(fields.MustString())); err != nil {
		return cfg, fmt.Errorf("%s: %w", where, err)
	}
	if cfg.failOn, err = migrate.ParseSeverity(failOn); err != nil {
		return cfg, fmt.Errorf("%s %s: %w", where, failOnKey, err)
	}
	return cfg, nil
}

// overlaySpec sets the fields of a SidecarMigration's spec on fields.
func overlaySpec(fields, fc *yaml.RNode, failOn *string) error {
	keys, err := fc.Fields()
	if err != nil {
		return err
	}
	var unknown []string
	for _, key := range keys {
		switch key {
		case "apiVersion", "kind", "metadata", "spec":
		default:
			unknown = append(unknown, key)
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("unknown field %v", unknown)
	}
	spec := fc.Field("spec")
	if spec == nil || spec.Value.IsNil() {
		return nil
	}
	if spec.Value.YNode().Kind != yaml.MappingNode {
		return fmt.Errorf("spec: want a mapping of options")
	}
	return spec.Value.VisitFields(func(f *yaml.MapNode) error {
		key := f.Key.YNode().Value
		if key == failOnKey {
			*failOn = f.Value.YNode().Value
			return nil
		}
		return fields.PipeE(yaml.SetField(key, f.Value))
	})
}

// overlayData sets the string options of a ConfigMap's data, as kpt's
// `fn eval ... -- key=value` sends them, on fields. A key names an option as the spec does,
// with dots for nested fields (sidecars.images). A value is taken as it is for a string
// option, as a comma-separated list for a list of strings, and as YAML otherwise (true,
// [{kind: Rollout, path: [spec, template]}]).
func overlayData(fields *yaml.RNode, data map[string]string, failOn *string) error {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var unknown []string
	for _, key := range keys {
		if key == failOnKey {
			*failOn = data[key]
			continue
		}
		path := strings.Split(key, ".")
		t, ok := optionType(path)
		if !ok {
			unknown = append(unknown, key)
			continue
		}
		value, err := dataValue(t, data[key])
		if err != nil {
			return fmt.Errorf("data %s: %w", key, err)
		}
		parent, err := fields.Pipe(yaml.LookupCreate(yaml.MappingNode, path[:len(path)-1]...))
		if err != nil {
			return err
		}
		if err := parent.PipeE(yaml.SetField(path[len(path)-1], value)); err != nil {
			return err
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("data: unknown field %v", unknown)
	}
	return nil
}

// optionType returns the Go type of the option at path, a list of YAML field names, or
// false when there is none. Reading the names from migrate.Options keeps the ConfigMap form
// in step with the spec.
func optionType(path []string) (reflect.Type, bool) {
	t := reflect.TypeFor[migrate.Options]()
	for _, name := range path {
		if t.Kind() != reflect.Struct {
			return nil, false
		}
		found := false
		for i := range t.NumField() {
			f := t.Field(i)
			if tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); tag == name {
				t, found = f.Type, true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return t, true
}

// dataValue turns the string value of a ConfigMap key into the YAML node of an option of
// type t.
func dataValue(t reflect.Type, value string) (*yaml.RNode, error) {
	switch {
	case t.Kind() == reflect.String:
		return yaml.NewStringRNode(value), nil
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String && !strings.HasPrefix(strings.TrimSpace(value), "["):
		var items []string
		for _, s := range strings.Split(value, ",") {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, s)
			}
		}
		return yaml.NewListRNode(items...), nil
	default:
		node, err := yaml.Parse(value)
		if err != nil {
			return nil, fmt.Errorf("not YAML: %w", err)
		}
		return node, nil
	}
}
