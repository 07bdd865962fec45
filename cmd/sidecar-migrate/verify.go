package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/kustomize"
)

// runVerified is apply --verify-kustomize: it builds every kustomization root before and
// after writing, rolls back the roots whose build after is not the migration of their
// build before, and exits 2 when there was one.
func (o *applyOptions) runVerified(paths []string, s streams) error {
	if readsStdin(paths) {
		return &exitError{code: exitFailed, msg: "--verify-kustomize needs paths: it builds the kustomizations found there"}
	}
	bin, err := kustomizeBinary()
	if err != nil {
		return &exitError{code: exitFailed, msg: err.Error()}
	}
	plan, err := kustomize.NewPlan(existing(paths), kio.Filter{Include: o.include, Exclude: o.exclude}, o.migrate)
	if err != nil {
		fmt.Fprintf(s.err, "error: %v\n", err)
	}
	if plan == nil {
		fmt.Fprintln(s.err, "verify: no kustomization under the paths; nothing to build")
		_, err := o.write(paths, s)
		return err
	}
	o.repository = plan
	v := plan.Verifier(bin)
	v.Before()
	done, runErr := o.write(paths, s)
	if runErr != nil && (done == nil || len(done.before) == 0) {
		return runErr // nothing was written: there is no build after to check
	}
	outcomes, restore := v.After(done.before)
	failed := o.rollBack(restore, done, "its kustomize build after is not the migration of its build before", s) < len(restore)
	for _, out := range outcomes {
		fmt.Fprintf(s.err, "verify %s\n", out)
		failed = failed || len(out.Failed) > 0
	}
	if runErr != nil {
		return runErr
	}
	if failed || err != nil {
		return &exitError{code: exitFailed}
	}
	return nil
}

// kustomizeBinary is $KUSTOMIZE, or kustomize on PATH.
func kustomizeBinary() (string, error) {
	if bin := os.Getenv("KUSTOMIZE"); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("$KUSTOMIZE: %w", err)
		}
		return filepath.Abs(bin)
	}
	bin, err := exec.LookPath("kustomize")
	if errors.Is(err, exec.ErrNotFound) {
		return "", fmt.Errorf("--verify-kustomize needs the kustomize binary: set $KUSTOMIZE or put kustomize on PATH")
	}
	return bin, err
}
