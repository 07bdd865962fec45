package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/kio/gitguard"
)

// guard decides, before anything is written, whether git can give back the present content
// of every file the run would change (cargo fix's convention). It returns the refusal of the
// whole run, listing every file it cannot vouch for and the flags that allow them, or "".
func (o *applyOptions) guard(changes []kio.FileResult) string {
	if len(changes) == 0 || (o.allowDirty && o.allowUntracked && o.allowNoVCS) {
		return ""
	}
	targets := make([]string, len(changes))
	for i, r := range changes {
		targets[i] = target(r.Path) // a link's target is what is rewritten
	}
	var lines []string
	flags := map[string]bool{}
	gitSays := map[string]string{} // repository -> git's message
	var repos []string
	for i, st := range gitguard.Check(o.signals.ctx, targets) {
		why, flag := "", ""
		switch st.State {
		case gitguard.Dirty:
			why, flag = st.Detail, "--allow-dirty"
			if o.allowDirty {
				continue
			}
		case gitguard.Untracked, gitguard.Ignored:
			why, flag = "untracked", "--allow-untracked"
			if st.State == gitguard.Ignored {
				why = "ignored by git"
			}
			if o.allowUntracked {
				continue
			}
		case gitguard.NoRepository:
			why, flag = "in no git repository", "--allow-no-vcs"
			if o.allowNoVCS {
				continue
			}
		case gitguard.Failed:
			why, flag = "git cannot read its repository "+st.Repo, "--allow-no-vcs"
			if o.allowNoVCS {
				continue
			}
			if _, ok := gitSays[st.Repo]; !ok {
				repos = append(repos, st.Repo)
				gitSays[st.Repo] = st.Err.Error()
			}
		default:
			continue
		}
		lines = append(lines, fmt.Sprintf("  %s (%s)\n", changes[i].Path, why))
		flags[flag] = true
	}
	if len(lines) == 0 {
		return ""
	}
	var b strings.Builder
	what := fmt.Sprintf("%d files", len(lines))
	if len(lines) == 1 {
		what = "1 file"
	}
	fmt.Fprintf(&b, "error: apply would rewrite %s that git could not give back; nothing was written:\n", what)
	b.WriteString(strings.Join(lines, ""))
	for _, r := range repos {
		fmt.Fprintf(&b, "git, in %s:\n  %s\n", r, strings.ReplaceAll(gitSays[r], "\n", "\n  "))
	}
	var allow []string
	for _, f := range []string{"--allow-dirty", "--allow-untracked", "--allow-no-vcs"} {
		if flags[f] {
			allow = append(allow, f)
		}
	}
	fmt.Fprintf(&b, "commit or stash them first, or pass %s to write them anyway\n", strings.Join(allow, " "))
	return b.String()
}

// target returns the absolute path of the file that writing path replaces.
func target(path string) string {
	if t, err := filepath.EvalSymlinks(path); err == nil {
		path = t
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	return abs
}
