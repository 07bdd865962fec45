package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/spf13/cobra"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

type fnOptions struct {
	*globalOptions
	failOn string

	// Set by process: the severity that fails the function, and the results that reach it.
	threshold migrate.Severity
	failures  framework.Results
}

func newFnCmd(g *globalOptions, s streams) *cobra.Command {
	o := &fnOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "fn",
		Short: "Run as a KRM function: a ResourceList on stdin, the migrated ResourceList on stdout",
		Long: `fn implements the KRM Functions Specification for kustomize and kpt. The functionConfig is
either a SidecarMigration (apiVersion sidecar-migrate.io/v1alpha1) whose spec holds the same
options as --config, or a ConfigMap whose data holds them as strings; what it sets replaces
the flags. Findings come back as results; warnings do not fail the function unless
--fail-on warning (or failOn: warning in the functionConfig).`,
		Example: `  kustomize fn run deploy/ --enable-exec --exec-path ./sidecar-migrate-fn -- placement=before-init
  kpt fn eval deploy/ --exec ./sidecar-migrate-fn -- sidecars.names=metrics-helper
  kustomize cfg cat deploy/ --wrap-kind ResourceList | sidecar-migrate fn`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.complete(cmd); err != nil {
				return err
			}
			if _, err := migrate.ParseSeverity(o.failOn); err != nil {
				return &exitError{code: exitFailed, msg: "--fail-on: " + err.Error()}
			}
			data, err := io.ReadAll(s.in)
			if err != nil {
				return &exitError{code: exitFailed, msg: err.Error()}
			}
			list, err := kio.ReadResourceList(stdinName, data)
			if err != nil {
				return &exitError{code: exitFailed, msg: strings.TrimPrefix(errorLine(err), "error: ")}
			}
			err = o.process(list)
			// The list is written whatever process says, as the KRM framework does.
			if werr := list.Encode(s.out); werr != nil && err == nil {
				err = werr
			}
			var results framework.Results
			switch {
			case err == nil:
				return nil
			case !errors.As(err, &results):
				return &exitError{code: exitFailed, msg: strings.TrimSpace(err.Error())}
			default:
				// The results are in the output, which kustomize build does not show: stderr
				// gets the ones that failed the function.
				msg := fmt.Sprintf("%d findings at or above severity %s", len(o.failures), o.threshold)
				for _, r := range o.failures {
					msg += "\n" + r.String()
				}
				return &exitError{code: exitPending, msg: msg}
			}
		},
	}
	cmd.Flags().StringVar(&o.failOn, "fail-on", "error", "lowest finding severity that fails the function: info, warning or error")
	return cmd
}

// process migrates every resource of the list through kio.ListItems and adds the findings to
// the list as results. It returns the results at or above the failOn severity as its error,
// when there are any.
func (o *fnOptions) process(list *kio.ResourceList) error {
	cfg, err := readFunctionConfig(list.FunctionConfig, o.migrate, o.failOn)
	if err != nil {
		return err
	}
	o.threshold, o.failures = cfg.failOn, nil
	kio.ListItems(list, cfg.opts, func(r kio.ItemResult) {
		// A script's new value moves no comment: the item keeps its identity.
		if r.Changed && !r.ScriptOnly && err == nil {
			err = forgetIdentity(r.Item)
		}
		for _, f := range r.Findings {
			res := result(f, r.Item)
			if aerr := list.AddResult(res); aerr != nil && err == nil {
				err = aerr
			}
			if f.Severity >= cfg.failOn {
				o.failures = append(o.failures, res)
			}
		}
	})
	if err != nil {
		return err
	}
	if len(o.failures) > 0 {
		return o.failures
	}
	return nil
}

// forgetIdentity drops the id annotations of a resource the function changed. The function
// runner of kustomize and kpt copies comments from each input resource to the output resource
// with the same id, list item by list item, into every empty comment slot; after a container
// has moved, the comments of the container that used to be first would land on the one that
// is first now. The function keeps every comment itself, so without the id the output keeps
// exactly the comments the migration gave it.
func forgetIdentity(item *yaml.RNode) error {
	//lint:ignore SA1019 the runner still reads the legacy id when the new one is missing
	for _, key := range []string{kioutil.IdAnnotation, kioutil.LegacyIdAnnotation} {
		if err := item.PipeE(yaml.ClearAnnotation(key)); err != nil {
			return err
		}
	}
	return nil
}

// result turns a finding into a KRM result. item is nil for a finding about the whole run.
func result(f migrate.Finding, item *yaml.RNode) *framework.Result {
	sev := map[migrate.Severity]framework.Severity{migrate.Info: framework.Info, migrate.Warning: framework.Warning, migrate.Error: framework.Error}[f.Severity]
	r := &framework.Result{
		Message:  f.Rule + ": " + f.Message,
		Severity: sev,
		Tags:     map[string]string{"rule": f.Rule},
	}
	if f.Container != "" {
		r.Tags["container"] = f.Container
	}
	if f.Resource.Kind != "" {
		r.ResourceRef = &yaml.ResourceIdentifier{
			TypeMeta: yaml.TypeMeta{APIVersion: f.Resource.APIVersion, Kind: f.Resource.Kind},
			NameMeta: yaml.NameMeta{Name: f.Resource.Name, Namespace: f.Resource.Namespace},
		}
	}
	if f.Field != "" {
		r.Field = &framework.Field{Path: f.Field}
	}
	if item != nil {
		if path, index, _ := kioutil.GetFileAnnotations(item); path != "" {
			r.File = &framework.File{Path: path}
			r.File.Index, _ = strconv.Atoi(index)
		}
	}
	return r
}
