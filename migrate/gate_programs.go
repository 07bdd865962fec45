package migrate

import (
	"path"
	"regexp"
	"strings"
)

// What the gate cannot read in a container's program, whether it is the exec-form command or
// the last statement of its script: program text given inline to an interpreter is a script
// the tool does not read, like a script file given to a shell; and a shell builtin or an
// assignment where a program is expected cannot start at all.

// interpreter names the inline-code flags of the interpreters whose program text may be given
// on the command line: each short flag that takes program text, and the short flags that
// take a value (so the rest of a cluster is that value, not flags).
type interpreter struct {
	code, valued string
	long         []string // long options that take program text
}

var interpreters = map[string]interpreter{
	"python":  {code: "c", valued: "mWXQ"},
	"node":    {code: "ep", valued: "r", long: []string{"--eval", "--print"}},
	"bun":     {code: "ep", long: []string{"--eval", "--print"}},
	"perl":    {code: "eE", valued: "IMmdDxlV0iC"},
	"ruby":    {code: "e", valued: "rIEKTWxCF0"},
	"php":     {code: "rBRE", valued: "cdzfFt"},
	"lua":     {code: "e", valued: "l"},
	"julia":   {code: "eE", valued: "JCLt"},
	"rscript": {code: "e"},
}

// interpreterName folds versioned and variant names: python3.12, pypy3, nodejs, perl5.36,
// ruby3.2, php8.2, lua5.4, luajit, Rscript.
var interpreterName = regexp.MustCompile(`^(python|pypy|node|nodejs|bun|perl|ruby|php|lua|luajit|julia|rscript)[0-9.]*$`)

// inlineProgram returns how a command gives an interpreter its program inline
// (`python -c`, `node --eval`, an awk program), or "".
func inlineProgram(words []string) string {
	words = afterEnv(words)
	if len(words) == 0 {
		return ""
	}
	name := strings.ToLower(path.Base(words[0]))
	if strings.HasSuffix(name, "awk") && len(name) <= 5 { // awk, gawk, mawk, nawk
		return name + " with its program on the command line or in a file (-f)"
	}
	m := interpreterName.FindStringSubmatch(name)
	if m == nil {
		return ""
	}
	base := map[string]string{"pypy": "python", "nodejs": "node", "luajit": "lua"}[m[1]]
	if base == "" {
		base = m[1]
	}
	in := interpreters[base]
	skip := false // the word is the value of the option before it
	for _, w := range words[1:] {
		switch {
		case skip:
			skip = false
		case w == "--" || !strings.HasPrefix(w, "-"):
			return "" // a script file, or the program's own arguments
		case strings.HasPrefix(w, "--"):
			for _, l := range in.long {
				if w == l || strings.HasPrefix(w, l+"=") {
					return words[0] + " " + l
				}
			}
		default:
			for i, ch := range w[1:] {
				if strings.ContainsRune(in.code, ch) {
					return words[0] + " -" + string(ch)
				}
				if strings.ContainsRune(in.valued, ch) {
					skip = i == len(w)-2 // -W VALUE; -Wignore holds its value
					break
				}
			}
		}
	}
	return ""
}

// afterEnv drops `env` with its options and VAR=value words from the front of a command.
func afterEnv(words []string) []string {
	if len(words) > 0 && path.Base(words[0]) == "env" {
		words = words[1:]
		for len(words) > 0 && (strings.HasPrefix(words[0], "-") || strings.Contains(words[0], "=")) {
			words = words[1:]
		}
	}
	return words
}

// programProblem returns why a program (its words, literal or "") cannot be shown to run
// for the pod's whole life, or "": inline interpreter code, a shell builtin or an
// assignment where a program must be (exec form, or after exec).
func programProblem(words []string) string {
	if len(words) == 0 {
		return ""
	}
	switch prog := words[0]; {
	case shellBuiltins[prog]:
		return "names the shell builtin " + prog + ", which no program provides: it cannot start; run the program itself"
	case strings.Contains(prog, "=") && !strings.HasPrefix(prog, "-"):
		return "names " + prog + " as its program, an assignment that only a shell reads: it cannot start; set the variable in env"
	}
	return inlineProblem(words)
}

// inlineProblem returns why a command that gives an interpreter its program inline is
// unproven, or "".
func inlineProblem(words []string) string {
	if how := inlineProgram(words); how != "" {
		return "runs program text given inline (" + how + "), which this tool does not read (as it does not read a script file), so it cannot tell whether the program ends; move it by hand if it runs for the pod's whole life"
	}
	return ""
}
