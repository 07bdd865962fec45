package migrate

import (
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Exit-code mirroring: beside the exit flag, the app writes its status to a file
// (`echo $? > /run/lifecycle/rc`) and a script ends with what it reads back
// (`exit "$(cat /run/lifecycle/rc)"`, `rc=$(cat ...); exit $rc`). Once the flag goes, the
// protocol goes with it: the app's script ends with its real command, whose status was the
// one mirrored, and the watcher runs its process.

// statusFiles returns the files beside the flag (in its folder, not the flag itself, which
// the exit-flag plan reads as such) that a container's script writes `$?` to.
func statusFiles(containers []container, flag string) map[string]bool {
	dir := path.Dir(flag)
	files := map[string]bool{}
	for _, c := range containers {
		s := containerScript(c.node)
		if s == nil || s.file == nil {
			continue
		}
		for _, st := range s.file.Stmts {
			if f := statusWrite(st); f != "" && f != flag && path.Dir(f) == dir {
				files[f] = true
			}
		}
	}
	return files
}

// statusWrite returns F for `echo $? > F` (or "$?"), exactly: one argument, one redirect.
func statusWrite(st *syntax.Stmt) string {
	call, name := shell.CallName(st)
	if name != "echo" || len(call.Args) != 2 || len(st.Redirs) != 1 || st.Background || st.Negated {
		return ""
	}
	if v := strings.Trim(shell.Print(call.Args[1]), `"`); v != "$?" {
		return ""
	}
	r := st.Redirs[0]
	if r.Op != syntax.RdrOut || r.N != nil || r.Word == nil {
		return ""
	}
	return r.Word.Lit()
}

// readBack returns F when w is exactly `$(cat F)`, `"$(cat F)"` or `$(< F)`.
func readBack(w *syntax.Word) string {
	if w == nil || len(w.Parts) != 1 {
		return ""
	}
	part := w.Parts[0]
	if dq, ok := part.(*syntax.DblQuoted); ok && len(dq.Parts) == 1 {
		part = dq.Parts[0]
	}
	cs, ok := part.(*syntax.CmdSubst)
	if !ok || len(cs.Stmts) != 1 {
		return ""
	}
	st := cs.Stmts[0]
	if st.Cmd == nil && len(st.Redirs) == 1 && st.Redirs[0].Op == syntax.RdrIn {
		return st.Redirs[0].Word.Lit() // $(< F)
	}
	if call, name := shell.CallName(st); name == "cat" && len(call.Args) == 2 && len(st.Redirs) == 0 {
		return call.Args[1].Lit()
	}
	return ""
}

// statusExit returns F for `exit "$(cat F)"`.
func statusExit(st *syntax.Stmt) string {
	if call, name := shell.CallName(st); name == "exit" && len(call.Args) == 2 && len(st.Redirs) == 0 {
		return readBack(call.Args[1])
	}
	return ""
}

// statusAssign returns the variable and F of `rc=$(cat F)`.
func statusAssign(st *syntax.Stmt) (string, string) {
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) != 0 || len(call.Assigns) != 1 || len(st.Redirs) != 0 {
		return "", ""
	}
	a := call.Assigns[0]
	if a.Append || a.Index != nil || a.Array != nil {
		return "", ""
	}
	return a.Name.Value, readBack(a.Value)
}

// statusCuts returns the cuts that remove the exit-code protocol of the files in status from
// one script, and whether the script writes a status; problem says why it cannot, when a
// status file or the variable read from it is used in any other way.
func statusCuts(text string, f *syntax.File, status map[string]bool) (cuts []shell.Cut, writes bool, problem string) {
	vars := map[string]bool{}
	handled := map[*syntax.Stmt]bool{}
	for _, st := range f.Stmts {
		if v, file := statusAssign(st); file != "" && status[file] {
			vars[v] = true
			handled[st] = true
		}
	}
	for _, st := range f.Stmts {
		file := statusWrite(st)
		switch {
		case file != "" && status[file]:
			writes = true
		case status[statusExit(st)], handled[st]:
		case vars[exitVar(st)]:
			v := exitVar(st)
			if n := len(regexp.MustCompile(`\$\{?`+regexp.QuoteMeta(v)+`\b`).FindAllString(text, -1)); n != 1 {
				return nil, false, "the exit status read into $" + v + " is used elsewhere"
			}
			delete(vars, v)
		default:
			if src := shell.Print(st); mentionsAny(src, status) {
				return nil, false, "it uses the status file in a way this tool does not recognise: " + firstLine(src)
			}
			continue
		}
		handled[st] = true
		cuts = append(cuts, shell.StmtCut(text, st))
	}
	for _, v := range sortedKeys(vars) {
		return nil, false, "the exit status read into $" + v + " is not only passed to exit"
	}
	return cuts, writes, ""
}

func mentionsAny(s string, files map[string]bool) bool {
	for f := range files {
		if strings.Contains(s, f) {
			return true
		}
	}
	return false
}

// mirrorsStatus reports whether the cut tail of a script only mirrored the status of its last
// kept statement: the first cut statement after it is `echo $? > F`, and the script ended by
// exiting with what it read back. Removing that tail leaves the script's status as it was.
func mirrorsStatus(stmts []*syntax.Stmt, cuts []shell.Cut) bool {
	last := stmts[len(stmts)-1]
	if statusExit(last) == "" && exitVar(last) == "" {
		return false
	}
	for i := len(stmts) - 2; i >= 0; i-- {
		if !shell.Covered(stmts[i], cuts) {
			return i+1 < len(stmts) && statusWrite(stmts[i+1]) != ""
		}
	}
	return false
}

// podReader returns which field of the pod, besides the scripts the plan edits, reads the
// flag or a status file beside it, or "": the kubelet reports a container's
// terminationMessagePath as its termination message, and runs its probes and hooks, so a
// statement that writes such a file does real work and stays, with the workaround. Another
// container's command is otherReader's.
func (p *flagPlan) podReader(containers []container) string {
	for _, c := range containers {
		for _, vm := range seqItems(lookup(c.node, "volumeMounts")) {
			if scalar(vm, "name") != p.volume {
				continue
			}
			mp := strings.TrimSuffix(scalar(vm, "mountPath"), "/")
			for _, file := range p.files(mp) {
				if tmp := scalar(c.node, "terminationMessagePath"); tmp != "" && path.Clean(tmp) == file {
					return "the terminationMessagePath of container " + c.name + " is " + file + ", which the kubelet reports as its termination message"
				}
			}
			if why := p.readsRelative(c, mp); why != "" {
				return "container " + c.name + " may read " + strings.Join(p.files(mp), " and ") + " (the same volume at " + mp + "): " + why
			}
			// A probe or hook that names the folder may read the files by any name (ls, find).
			for _, field := range []string{"startupProbe", "readinessProbe", "livenessProbe", "lifecycle"} {
				if n := lookup(c.node, field); n != nil && holdsText(n, mp) {
					return "the " + field + " of container " + c.name + " reads " + mp + ", where the workaround writes " + strings.Join(p.files(mp), " and ")
				}
			}
		}
	}
	return ""
}

// readsRelative says how a container whose script the plan does not edit may reach the
// volume at mp by a relative path or its working directory (volumepaths.go), or "".
func (p *flagPlan) readsRelative(c container, mp string) string {
	s := containerScript(c.node)
	if s == nil || s.file == nil {
		return ""
	}
	if _, edited := p.scripts[s.node]; edited {
		return ""
	}
	dirs, why := workDirs(c.node, mp)
	if why == "" {
		why = scriptReaches(s.file, dirs, mp)
	}
	return why
}

// files returns the flag and the status files as a container sees them at mount path mp.
func (p *flagPlan) files(mp string) []string {
	var out []string
	for _, f := range append([]string{p.flag}, sortedKeys(p.status)...) {
		out = append(out, mp+strings.TrimPrefix(f, p.dir))
	}
	return out
}

// holdsText reports whether a scalar under n holds s.
func holdsText(n *yaml.Node, s string) bool {
	found := false
	walkScalars(n, func(v *yaml.Node) { found = found || strings.Contains(v.Value, s) })
	return found
}

// sortedKeys returns the keys of a set in order, so that findings never depend on map order.
func sortedKeys(set map[string]bool) []string {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
