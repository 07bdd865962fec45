package migrate

import (
	"fmt"
	"path"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
)

// Relative paths and working directories, for the volume proof (volumeproof.go). A script
// that names no mount path may still write on the volume: `cd /run; tar czf lifecycle/x .`.
// The directories a script may work in are followed as a set (the order of statements and
// subshells is not): its workingDir, or its image's, which may be any parent of the mount,
// and every directory it changes to. A change to the mount or above it, or to a place the
// tool cannot name, keeps the volume; so does a relative path that lands on the volume from
// one of those directories, or that climbs (..), and any relative path after eval, source or
// a nested shell, which may change directory where this tool cannot see it.

// dirWalk is what a script's walk found.
type dirWalk struct {
	mp    string
	dirs  []string // directories the script may work in, known by name
	image bool     // it may work in its image's working directory
	lost  string   // a command after which its directory cannot be followed
	rel   []string // the relative paths it names
	why   string
}

// scriptReaches returns how a script may use the volume at mp by relative paths or its
// working directory, or "".
func scriptReaches(f *syntax.File, dirs []string, mp string) string {
	w := &dirWalk{mp: mp, dirs: dirs, image: len(dirs) == 0}
	w.walk(f)
	return w.verdict()
}

// walk reads every command and redirect of a script, nested ones included.
func (w *dirWalk) walk(f *syntax.File) {
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Stmt:
			w.heredocScript(n)
		case *syntax.CallExpr:
			w.call(n)
		case *syntax.Redirect:
			switch n.Op {
			case syntax.DplIn, syntax.DplOut, syntax.Hdoc, syntax.DashHdoc, syntax.WordHdoc:
			default:
				w.path(literalPrefix(n.Word), true)
			}
		}
		return w.why == ""
	})
}

// relativeUse is scriptReaches for a program run in exec form, by its words.
func relativeUse(words []string, dirs []string, mp string) string {
	w := &dirWalk{mp: mp, dirs: dirs, image: len(dirs) == 0}
	for i, word := range words {
		w.path(word, false)
		if target, _, ok := dirOption(words, i); ok {
			w.changeDir(target, strings.Contains(target, "$("), words[0]+" "+word)
		}
	}
	return w.verdict()
}

func (w *dirWalk) verdict() string {
	if w.why != "" {
		return w.why
	}
	for _, rel := range w.rel {
		if w.lost != "" {
			return fmt.Sprintf("it runs %s, after which its working directory cannot be followed, and names the relative path %q", w.lost, rel)
		}
		if from := reachedFrom(rel, w.dirs, w.image, w.mp); from != "" {
			return fmt.Sprintf("it names the relative path %q, which is on the volume when it runs in %s", rel, from)
		}
	}
	return ""
}

// call reads one command: its paths, and the directories it changes to.
func (w *dirWalk) call(call *syntax.CallExpr) {
	for _, a := range call.Assigns {
		if a.Value != nil {
			w.path(literalPrefix(a.Value), true)
		}
	}
	if len(call.Args) == 0 {
		return
	}
	words := make([]string, len(call.Args))
	prefixes := make([]string, len(call.Args))
	for i, a := range call.Args {
		words[i], prefixes[i] = shell.WordText(a), literalPrefix(a)
		if i > 0 || words[0] != "." {
			w.path(prefixes[i], false)
		}
	}
	name := path.Base(words[0])
	switch {
	case name == "cd" || name == "pushd":
		target, expands := "", false
		for i := 1; i < len(call.Args); i++ {
			if words[i] == "" || !strings.HasPrefix(words[i], "-") || words[i] == "-" {
				target, expands = words[i], words[i] == ""
				if expands {
					target = shell.Print(call.Args[i])
				}
				break
			}
		}
		w.changeDir(target, expands, name)
	case isShell(name) && w.nested(call, words):
	case name == "eval" || name == "source" || name == "." || isShell(name):
		if w.lost == "" {
			w.lost = name
		}
	}
	for i := range prefixes {
		if _, at, ok := dirOption(prefixes, i); ok {
			target, expands := words[at], words[at] == ""
			if expands {
				target = shell.Print(call.Args[at])
			} else if at == i {
				target = prefixes[i][strings.Index(prefixes[i], "=")+1:]
			}
			w.changeDir(target, expands, words[0]+" "+prefixes[i])
		}
	}
}

// heredocScript walks the script a shell reads from a here-document (sh <<'EOF'), as part of
// the outer one; one that expands (<<EOF with $VAR) cannot be followed.
func (w *dirWalk) heredocScript(st *syntax.Stmt) {
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) == 0 || !isShell(path.Base(shell.WordText(call.Args[0]))) {
		return
	}
	for _, r := range st.Redirs {
		if r.Op != syntax.Hdoc && r.Op != syntax.DashHdoc || r.Hdoc == nil {
			continue
		}
		text := shell.WordText(r.Hdoc)
		f, err := shell.Parse(text)
		if text == "" || err != nil {
			w.why = "it runs " + shell.WordText(call.Args[0]) + " on a here-document this tool cannot follow"
			return
		}
		w.walk(f)
	}
}

// nested walks the literal script of a nested shell (sh -c '...') as part of the outer one;
// false when there is none that parses.
func (w *dirWalk) nested(call *syntax.CallExpr, words []string) bool {
	for i := 1; i+1 < len(words); i++ {
		if !strings.HasPrefix(words[i], "-") || strings.HasPrefix(words[i], "--") || !strings.Contains(words[i], "c") {
			continue
		}
		f, err := shell.Parse(words[i+1])
		if words[i+1] == "" || err != nil {
			return false
		}
		w.walk(f)
		return true
	}
	return false
}

// dirOption returns the directory of a -C DIR, --directory[=]DIR or --chdir[=]DIR option at
// words[i] (a number after -C is a count, as grep's), and the index of the word that holds it.
func dirOption(words []string, i int) (string, int, bool) {
	word := words[i]
	for _, long := range []string{"--directory=", "--chdir="} {
		if strings.HasPrefix(word, long) {
			return strings.TrimPrefix(word, long), i, true
		}
	}
	if (word == "-C" || word == "--directory" || word == "--chdir") && i+1 < len(words) && !isNumber(words[i+1]) {
		return words[i+1], i + 1, true
	}
	return "", 0, false
}

// changeDir records a change of the working directory to target (as written; expands says
// its value is not literal), by what (cd, tar -C...).
func (w *dirWalk) changeDir(target string, expands bool, what string) {
	if w.why != "" {
		return
	}
	switch {
	case target == "":
		w.why = fmt.Sprintf("it changes directory (%s, to its home) to a place this tool cannot follow", what)
		return
	case expands || target == "-" || strings.HasPrefix(target, "~"):
		w.why = fmt.Sprintf("it changes directory (%s %s) to a place this tool cannot follow", what, target)
		return
	case !strings.HasPrefix(target, "/") && w.image:
		w.why = fmt.Sprintf("it changes directory (%s %s) relative to its image's working directory, which this tool cannot follow", what, target)
		return
	}
	var to []string
	if strings.HasPrefix(target, "/") {
		to = []string{path.Clean(target)}
	} else {
		for _, d := range w.dirs {
			to = append(to, path.Join(d, target))
		}
	}
	for _, d := range to {
		if onOrAbove(d, w.mp) {
			w.why = fmt.Sprintf("it changes directory (%s %s) to %s, on or above %s, so what it writes by a relative path may land there", what, target, d, w.mp)
			return
		}
	}
	w.dirs = append(w.dirs, to...)
}

// path records word (its literal start) when it is a relative path: a redirect's target, or a
// word (or the value of --opt=VALUE, VAR=VALUE) with a slash, or . or ..
func (w *dirWalk) path(word string, redirect bool) {
	value := word
	if !redirect {
		if before, after, ok := strings.Cut(word, "="); ok && (strings.HasPrefix(word, "-") || isName(before)) {
			value = after
		} else if strings.HasPrefix(word, "-") {
			return
		}
	}
	switch {
	case value == "", strings.HasPrefix(value, "/"), strings.HasPrefix(value, "~"), strings.Contains(value, "://"):
	case redirect, strings.Contains(value, "/"), value == ".", value == "..":
		w.rel = append(w.rel, value)
	}
}

// literalPrefix returns the literal text a word starts with, before any expansion.
func literalPrefix(word *syntax.Word) string {
	s, _ := shell.LiteralPrefix(word)
	return s
}

// reachedFrom returns the directory (of dirs, or, for image, any parent of mp) from which
// relative path rel names a file on the volume at mp, or ""; a path that climbs (..) may
// reach anything.
func reachedFrom(rel string, dirs []string, image bool, mp string) string {
	for _, part := range strings.Split(rel, "/") {
		if part == ".." {
			return "a directory it climbs out of (..)"
		}
	}
	for _, d := range dirs {
		if p := path.Join(d, rel); p == mp || strings.HasPrefix(p, mp+"/") {
			return d
		}
	}
	if !image {
		return ""
	}
	for d := path.Dir(mp); ; d = path.Dir(d) {
		if p := path.Join(d, rel); p == mp || strings.HasPrefix(p, mp+"/") {
			return d + " (its image's working directory, which the manifest does not show)"
		}
		if d == "/" {
			return ""
		}
	}
}

// isName reports whether s is a shell variable name (VAR in VAR=value).
func isName(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}
