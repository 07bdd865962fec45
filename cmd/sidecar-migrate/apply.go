package main

import (
	"fmt"
	"path/filepath"
	"sort"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/spf13/cobra"
)

type applyOptions struct {
	*globalOptions
	allowDirty      bool
	verifyKustomize bool
	out             outputOptions
}

func newApplyCmd(g *globalOptions, s streams) *cobra.Command {
	o := &applyOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "apply [PATH...]",
		Short: "Migrate files in place, or standard input to standard output",
		Long: `apply writes the migration in place: each changed file is replaced atomically (a temporary
file in the same folder, then a rename), unchanged files are not written, a file that
cannot be processed is never written. With "-" (or piped input and no PATH) it reads a
stream of manifests and writes the migrated stream to stdout: a filter for Helm's
--post-renderer and for kubectl pipelines.`,
		Example: `  sidecar-migrate apply ./deploy
  helm template my-release ./chart --post-renderer sidecar-migrate --post-renderer-args apply --post-renderer-args -
  kubectl get deploy web -o yaml | sidecar-migrate apply - | kubectl apply -f -
  sidecar-migrate apply -l ./deploy              # print the names of the files written`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.complete(cmd); err != nil {
				return err
			}
			if o.verifyKustomize {
				return o.runVerified(args, s)
			}
			return o.run(args, s)
		},
	}
	o.out.addFlags(cmd)
	cmd.Flags().BoolVar(&o.allowDirty, "allow-dirty", false, "rewrite files that have uncommitted changes in git")
	cmd.Flags().BoolVar(&o.verifyKustomize, "verify-kustomize", false, "build every kustomization root with kustomize ($KUSTOMIZE, or kustomize on PATH) before and after; roll back a root whose build after is not the migration of its build before")
	return cmd
}

func (o *applyOptions) run(paths []string, s streams) error {
	return o.write(paths, s, nil)
}

// write migrates the paths and writes every changed file, remembering in written (when not
// nil) the original content of each file it wrote, by absolute path.
func (o *applyOptions) write(paths []string, s streams, written map[string][]byte) error {
	if written == nil {
		written = map[string][]byte{}
	}
	var unwritten []string
	names := map[string]string{} // absolute path -> path as given
	toStdout := readsStdin(paths, s.in)
	if err := o.out.check(); err != nil {
		return err
	}
	if toStdout && !o.out.plain() {
		return &exitError{code: exitFailed, msg: "--list and --format json need PATHs: with standard input, apply writes the manifests on stdout"}
	}
	var dirty map[string]bool
	if !toStdout && !o.allowDirty {
		dirty = dirtyFiles(paths)
	}
	sum, err := o.migrateAll(paths, s, o.out.count(o.printFindings(s.err)), func(r kio.FileResult) error {
		if toStdout {
			_, werr := s.out.Write(r.After)
			return werr
		}
		if !r.Changed() {
			return nil
		}
		abs, aerr := filepath.Abs(r.Path)
		if aerr != nil {
			return aerr
		}
		if isDirty(dirty, r.Path) {
			unwritten = append(unwritten, abs)
			return fmt.Errorf("%s has uncommitted changes; commit or stash them first, or pass --allow-dirty", r.Path)
		}
		if werr := kio.WriteFile(r.Path, r.After); werr != nil {
			unwritten = append(unwritten, abs)
			return werr
		}
		written[abs], names[abs] = r.Before, r.Path
		if !o.quiet && o.out.plain() {
			fmt.Fprintf(s.out, "%s: %s\n", r.Path, describe(r))
		}
		return o.out.changed(s.out, r)
	})
	if !toStdout {
		if werr := o.out.finish(s, "apply", sum, o.quiet); werr != nil {
			return werr
		}
	}
	// A base and the patches that follow it are written together or not at all.
	restore := o.repository.Unwritten(unwritten, sum.interrupted, written)
	for _, f := range sortedKeys(restore) {
		if werr := kio.WriteFile(f, restore[f]); werr != nil {
			fmt.Fprintf(s.err, "error: rolling back %s: %v\n", names[f], werr)
			continue
		}
		delete(written, f)
		why := "its kustomization root has a file that could not be written"
		if sum.interrupted {
			why = "the run stopped before every file of its kustomization root was written"
		}
		fmt.Fprintf(s.err, "%s: rolled back: %s\n", names[f], why)
	}
	return err
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// describe says in a few words what changed in a file.
func describe(r kio.FileResult) string {
	if patches := countRule(r, migrate.RuleKustomizePatch); patches > 0 && r.Stats.Sidecars == 0 {
		if patches == 1 {
			return "1 patch follows its base"
		}
		return fmt.Sprintf("%d patches follow their base", patches)
	}
	msg := plural(r.Stats.Sidecars, "sidecar") + " moved"
	if r.Stats.Workarounds > 0 {
		msg += ", " + plural(r.Stats.Workarounds, "workaround") + " removed"
	}
	return msg
}

func countRule(r kio.FileResult, rule string) int {
	n := 0
	for _, f := range r.Findings {
		if f.Rule == rule {
			n++
		}
	}
	return n
}
