package main

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"time"

	"github.com/sidecar-migrate/sidecar-migrate/internal/report"
	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/spf13/cobra"
)

type applyOptions struct {
	*globalOptions
	allowDirty      bool
	allowUntracked  bool
	allowNoVCS      bool
	verifyKustomize bool
	out             outputOptions
}

func newApplyCmd(g *globalOptions, s streams) *cobra.Command {
	o := &applyOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "apply [PATH...]",
		Short: "Migrate files in place, or standard input to standard output",
		Long: `apply writes the migration in place. It decides before writing anything: when git could
not give back the old content of a file it would change (modified, staged, untracked or
ignored, in no repository, or git fails), it writes nothing and lists every such file.
Each changed file is then replaced atomically (a temporary file in the same folder, then a
rename) with its owner, mode bits and extended attributes, and only while it is still what
was read. Unchanged files are not written; a file that cannot be processed is never written.
With "-" (or piped input and no PATH) it reads a stream of manifests and writes the migrated
stream to stdout: a filter for Helm's --post-renderer and for kubectl pipelines.`,
		Example: `  sidecar-migrate apply ./deploy
  helm template my-release ./chart --post-renderer sidecar-migrate --post-renderer-args apply --post-renderer-args -
  kubectl get deploy web -o yaml | sidecar-migrate apply - | kubectl apply -f -
  sidecar-migrate apply -l ./deploy              # print the names of the files written`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.complete(cmd); err != nil {
				return err
			}
			s, err := checkPaths(cmd, args, s)
			if err != nil {
				return err
			}
			if !readsStdin(args) { // a filter is stopped by a signal as any filter is
				o.signals = onInterrupt(s.err)
				defer o.signals.stop()
			}
			if o.verifyKustomize {
				return o.runVerified(args, s)
			}
			_, err = o.write(args, s)
			return err
		},
	}
	o.out.addFlags(cmd)
	f := cmd.Flags()
	f.BoolVar(&o.allowDirty, "allow-dirty", false, "rewrite files that are modified or staged in git")
	f.BoolVar(&o.allowUntracked, "allow-untracked", false, "rewrite files that git does not track (untracked or ignored)")
	f.BoolVar(&o.allowNoVCS, "allow-no-vcs", false, "rewrite files that are in no git repository, or whose repository git cannot read")
	f.BoolVar(&o.verifyKustomize, "verify-kustomize", false, "build every kustomization root with kustomize ($KUSTOMIZE, or kustomize on PATH) before and after; roll back a root whose build after is not the migration of its build before")
	return cmd
}

// applied is what a run wrote, by absolute path.
type applied struct {
	before map[string][]byte        // the content each written file had
	now    map[string]*kio.Original // what each written file is now: a rollback checks it still is
	names  map[string]string        // the path as given
}

// written reports whether the file at abs was written and stays so.
func (a *applied) written(abs string) bool {
	_, ok := a.before[abs]
	return ok
}

// write migrates the paths and, when every file that changes can be given back by git, writes
// them all; a base and the patches that follow it are written together or not at all.
func (o *applyOptions) write(paths []string, s streams) (*applied, error) {
	if err := o.out.check(); err != nil {
		return nil, err
	}
	if readsStdin(paths) {
		return nil, o.filter(paths, s)
	}
	start := time.Now()
	var changes []kio.FileResult
	dirs := map[string]bool{}
	sum, err := o.migrateAll(paths, s, o.out.count(o.printFindings(s.err)), func(r kio.FileResult) error {
		dirs[filepath.Dir(r.Path)] = true
		if r.Changed() {
			changes = append(changes, r)
		}
		return nil
	})
	// Counted by what is written, not by what would change.
	sum.Changed, sum.Stats = 0, migrate.Stats{}
	done := &applied{before: map[string][]byte{}, now: map[string]*kio.Original{}, names: map[string]string{}}
	if sum.Interrupted {
		fmt.Fprintln(s.err, "sidecar-migrate: nothing was written")
		o.printSummary(s, sum)
		return done, err
	}
	o.removeLeftovers(dirs, changes, start, s)
	if refusal := o.guard(changes); refusal != "" {
		if o.signals.Load() { // git was stopped, not refused
			refusal = "sidecar-migrate: interrupted: nothing was written\n"
		}
		fmt.Fprint(s.err, refusal)
		sum.Failed++
		o.printSummary(s, sum)
		return done, &exitError{code: exitFailed}
	}
	var unwritten, notWritten []string
	for i, r := range changes {
		abs, _ := filepath.Abs(r.Path)
		if o.signals.Load() {
			fmt.Fprintf(s.err, "sidecar-migrate: interrupted: %d files not written\n", len(changes)-i)
			sum.Interrupted = true
			for _, r := range changes[i:] {
				abs, _ := filepath.Abs(r.Path)
				notWritten = append(notWritten, abs)
			}
			break
		}
		var now *kio.Original
		var werr error
		o.signals.write(func() { now, werr = kio.WriteFile(r.Path, r.After, r.Original()) })
		if werr != nil {
			fmt.Fprintf(s.err, "error: %v\n", werr)
			sum.Failed++
			unwritten = append(unwritten, abs)
			continue
		}
		done.before[abs], done.now[abs], done.names[abs] = r.Before, now, r.Path
		sum.Changed++
		if !o.quiet && o.out.plain() {
			fmt.Fprintf(s.out, "%s: %s\n", r.Path, describe(r))
		}
		if werr := o.out.changed(s.out, r); werr != nil {
			return done, werr
		}
	}
	o.rollBackPartners(changes, unwritten, notWritten, done, &sum, s)
	o.printSummary(s, sum)
	if err == nil && (sum.Failed > 0 || sum.Interrupted) {
		err = &exitError{code: exitFailed}
	}
	return done, err
}

// rollBackPartners gives back the files written whose partners were not: the other files of
// a kustomization root, and the files changed together with one (tiedTo). The summary then
// counts the files that stay written.
func (o *applyOptions) rollBackPartners(changes []kio.FileResult, unwritten, notWritten []string, done *applied, sum *summary, s streams) {
	why := "its kustomization root has a file that could not be written"
	if sum.Interrupted {
		why = "the run stopped before every file of its kustomization root was written"
	}
	restore := o.repository.Unwritten(unwritten, sum.Interrupted, done.before)
	sum.Changed -= o.rollBack(restore, done, why, s)
	tied := tiedTo(changes, append(unwritten, notWritten...), done.before)
	sum.Changed -= o.rollBack(tied, done, "a file it was changed together with could not be written", s)
	sum.Stats = migrate.Stats{}
	for _, r := range changes {
		if abs, _ := filepath.Abs(r.Path); done.written(abs) {
			sum.Stats.Add(r.Stats)
		}
	}
}

// tiedTo returns, of the files written (before holds their content), those that had to be
// written together with a file that was not (kio.FileResult.Together), with the content to
// give back.
func tiedTo(changes []kio.FileResult, unwritten []string, before map[string][]byte) map[string][]byte {
	out := map[string][]byte{}
	missing := map[string]bool{}
	for _, f := range unwritten {
		missing[f] = true
	}
	for _, r := range changes {
		abs, _ := filepath.Abs(r.Path)
		for _, t := range r.Together {
			other, _ := filepath.Abs(t)
			if b, ok := before[abs]; ok && missing[other] {
				out[abs] = b
			}
		}
	}
	return out
}

// filter migrates standard input to standard output.
func (o *applyOptions) filter(paths []string, s streams) error {
	if !o.out.plain() {
		return &exitError{code: exitFailed, msg: "--list and --format json need PATHs: with standard input, apply writes the manifests on stdout"}
	}
	_, err := o.migrateAll(paths, s, o.printFindings(s.err), func(r kio.FileResult) error {
		_, werr := s.out.Write(r.After)
		return werr
	})
	return err
}

func (o *applyOptions) printSummary(s streams, sum summary) {
	if err := o.out.finish(s, "apply", sum, o.quiet); err != nil {
		fmt.Fprintf(s.err, "error: %v\n", err)
	}
}

// rollBack writes back the original content of the files in restore, each only while it is
// still what apply wrote, and returns how many it restored.
func (o *applyOptions) rollBack(restore map[string][]byte, done *applied, why string, s streams) int {
	n := 0
	for _, f := range sortedKeys(restore) {
		name := done.names[f]
		if name == "" {
			name = f
		}
		var err error
		o.signals.write(func() { _, err = kio.WriteFile(f, restore[f], done.now[f]) })
		if err != nil {
			fmt.Fprintf(s.err, "error: rolling back %s: %v\n", name, err)
			continue
		}
		delete(done.before, f)
		delete(done.now, f)
		n++
		fmt.Fprintf(s.err, "%s: rolled back: %s\n", name, why)
	}
	return n
}

// removeLeftovers removes, from the folders the run read and the folders it will write in,
// the temporary files that a killed run left, older than this run, and says so.
func (o *applyOptions) removeLeftovers(dirs map[string]bool, changes []kio.FileResult, start time.Time, s streams) {
	for _, r := range changes {
		if t, err := filepath.EvalSymlinks(r.Path); err == nil {
			dirs[filepath.Dir(t)] = true
		}
	}
	for _, d := range slices.Sorted(maps.Keys(dirs)) {
		removed, err := kio.RemoveLeftovers(d, start)
		for _, p := range removed {
			fmt.Fprintf(s.err, "%s: removed: a temporary file left by an interrupted run\n", p)
		}
		if err != nil {
			fmt.Fprintf(s.err, "warning: removing temporary files left in %s: %v\n", d, err)
		}
	}
}

func sortedKeys(m map[string][]byte) []string {
	return slices.Sorted(maps.Keys(m))
}

// describe says in a few words what changed in a file.
func describe(r kio.FileResult) string {
	if patches := countRule(r, migrate.RuleKustomizePatch); patches > 0 && r.Stats.Sidecars == 0 {
		if patches == 1 {
			return "1 patch follows its base"
		}
		return fmt.Sprintf("%d patches follow their base", patches)
	}
	msg := report.Plural(r.Stats.Sidecars, "sidecar") + " moved"
	if r.Stats.Workarounds > 0 {
		msg += ", " + report.Plural(r.Stats.Workarounds, "workaround") + " removed"
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
