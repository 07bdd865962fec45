package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/spf13/cobra"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	kyio "sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The functionConfig kind that carries options in its spec.
const (
	configKind       = "SidecarMigration"
	configAPIVersion = "sidecar-migrate.io/v1alpha1"
)

type fnOptions struct {
	*globalOptions
	failOn string
}

func newFnCmd(g *globalOptions, s streams) *cobra.Command {
	o := &fnOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "fn",
		Short: "Run as a KRM function: a ResourceList on stdin, the migrated ResourceList on stdout",
		Long: `fn implements the KRM Functions Specification for kustomize and kpt. The functionConfig is
either a SidecarMigration (apiVersion sidecar-migrate.io/v1alpha1) whose spec holds the same
options as --config, or a ConfigMap whose data holds them as strings. Findings come back as
results; warnings do not fail the function unless --fail-on warning.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.complete(cmd); err != nil {
				return err
			}
			if _, err := migrate.ParseSeverity(o.failOn); err != nil {
				return &exitError{code: exitFailed, msg: "--fail-on: " + err.Error()}
			}
			rw := &kyio.ByteReadWriter{Reader: s.in, Writer: s.out, KeepReaderAnnotations: true}
			if err := framework.Execute(framework.ResourceListProcessorFunc(o.process), rw); err != nil {
				return &exitError{code: exitPending, msg: strings.TrimSpace(err.Error())}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&o.failOn, "fail-on", "error", "lowest finding severity that fails the function: info, warning or error")
	return cmd
}

// process migrates every resource of the list and reports the findings as results.
func (o *fnOptions) process(rl *framework.ResourceList) error {
	opts, failOn, err := o.functionOptions(rl.FunctionConfig)
	if err != nil {
		return err
	}
	threshold, _ := migrate.ParseSeverity(failOn)
	failed := false
	for _, item := range rl.Items {
		res := migrate.Migrate(item, opts)
		if res.Changed() {
			if err := forgetIdentity(item); err != nil {
				return err
			}
		}
		for _, f := range res.Findings {
			rl.Results = append(rl.Results, result(f, item))
			failed = failed || f.Severity >= threshold
		}
	}
	if failed {
		return rl.Results
	}
	return nil
}

// forgetIdentity drops the id annotations of a resource the function changed. The function
// runner of kustomize and kpt copies comments from each input resource to the output resource
// with the same id, list item by list item; after a container has moved, that would put the
// comments of the container that used to be first on the one that is first now. Without the
// id the output keeps exactly the comments the migration gave it.
func forgetIdentity(item *yaml.RNode) error {
	//lint:ignore SA1019 the runner still reads the legacy id when the new one is missing
	for _, key := range []string{kioutil.IdAnnotation, kioutil.LegacyIdAnnotation} {
		if err := item.PipeE(yaml.ClearAnnotation(key)); err != nil {
			return err
		}
	}
	return nil
}

// result turns a finding into a KRM result.
func result(f migrate.Finding, item *yaml.RNode) *framework.Result {
	sev := map[migrate.Severity]framework.Severity{migrate.Info: framework.Info, migrate.Warning: framework.Warning, migrate.Error: framework.Error}[f.Severity]
	r := &framework.Result{
		Message:  fmt.Sprintf("%s: %s", f.Rule, f.Message),
		Severity: sev,
		ResourceRef: &yaml.ResourceIdentifier{
			TypeMeta: yaml.TypeMeta{APIVersion: f.Resource.APIVersion, Kind: f.Resource.Kind},
			NameMeta: yaml.NameMeta{Name: f.Resource.Name, Namespace: f.Resource.Namespace},
		},
		Tags: map[string]string{"rule": f.Rule},
	}
	if f.Field != "" {
		r.Field = &framework.Field{Path: f.Field}
	}
	if path, index, err := kioutil.GetFileAnnotations(item); err == nil && path != "" {
		r.File = &framework.File{Path: path}
		r.File.Index, _ = strconv.Atoi(index)
	}
	return r
}

// functionOptions reads the functionConfig on top of the command-line options.
func (o *fnOptions) functionOptions(fc *yaml.RNode) (migrate.Options, string, error) {
	opts, failOn := o.migrate, o.failOn
	if fc == nil || fc.IsNilOrEmpty() {
		return opts, failOn, nil
	}
	switch kind, apiVersion := fc.GetKind(), fc.GetApiVersion(); {
	case kind == configKind && apiVersion == configAPIVersion:
		spec := fc.Field("spec")
		if spec == nil {
			return opts, failOn, nil
		}
		text, err := spec.Value.String()
		if err != nil {
			return opts, failOn, err
		}
		parsed, err := migrate.ParseOptions([]byte(text))
		if err != nil {
			return opts, failOn, fmt.Errorf("functionConfig %s spec: %w", configKind, err)
		}
		return parsed, failOn, nil
	case kind == "ConfigMap":
		return configMapOptions(opts, failOn, fc.GetDataMap())
	default:
		return opts, failOn, fmt.Errorf("functionConfig: want kind %s (apiVersion %s) or ConfigMap, got %s %s", configKind, configAPIVersion, apiVersion, kind)
	}
}

// configMapOptions applies the string options of a ConfigMap's data, as kpt's
// `fn eval ... -- key=value` sends them.
func configMapOptions(opts migrate.Options, failOn string, data map[string]string) (migrate.Options, string, error) {
	list := func(v string) []string {
		var out []string
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	var unknown []string
	for key, v := range data {
		var err error
		switch key {
		case "placement":
			opts.Placement = migrate.Placement(v)
		case "keepHacks":
			opts.KeepHacks, err = strconv.ParseBool(v)
		case "sidecarImages":
			opts.Sidecars.Images = list(v)
		case "sidecarNames":
			opts.Sidecars.Names = list(v)
		case "disableRules":
			opts.DisableRules = list(v)
		case "failOn":
			failOn = v
		default:
			unknown = append(unknown, key)
		}
		if err != nil {
			return opts, failOn, fmt.Errorf("functionConfig data %s: %w", key, err)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return opts, failOn, fmt.Errorf("functionConfig data: unknown field %v", unknown)
	}
	if _, err := migrate.ParseSeverity(failOn); err != nil {
		return opts, failOn, fmt.Errorf("functionConfig data failOn: %w", err)
	}
	return opts, failOn, opts.Validate()
}
