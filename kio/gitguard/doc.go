// Package gitguard tells, for files about to be rewritten, whether git can give their
// present content back: it finds each file's repository (nested ones and submodules
// included) and asks git for the file's state there.
//
// git runs with core.fsmonitor=false, hooks pointed at an empty path, no pager, no optional
// locks and every configured filter driver emptied, so that no repository configuration
// makes a check run a command.
//
// Check is the one entry point: it returns a Status for each file, in order. The apply
// command refuses the whole run when a file it would rewrite is not Clean, unless
// --allow-dirty, --allow-untracked or --allow-no-vcs allows that State:
//
//	for _, st := range gitguard.Check(ctx, files) {
//		if st.State == gitguard.Dirty {
//			fmt.Printf("%s: %s\n", st.Path, st.Detail) // "modified", "staged"...
//		}
//	}
package gitguard
