package migrate

import (
	"fmt"
	"path"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Arguments on which any program prints something, or checks something, and exits: a
// version, its help, a configuration check, a shell completion script. Such a container is
// no sidecar whatever its program: moved, it would be restarted for ever, and in a Job its
// failure would no longer fail the Job. A program's own one-shot subcommands and switches
// are in builtinRunsOnce; these hold for programs the catalogue does not know too.

// oneShotFirstArgs end a program as its first argument only: later, the same word may be
// the value of a flag (--label version) or a positional operand (an instance name).
var oneShotFirstArgs = map[string]string{
	"version": "prints its version", "--version": "prints its version", "-version": "prints its version",
	"help": "prints its help", "--help": "prints its help", "-help": "prints its help",
	"validate": "checks its configuration", "check": "checks its configuration",
	"config-check": "checks its configuration", "lint": "checks its configuration",
	"--dry-run": "checks its configuration", "dry-run": "checks its configuration",
	"print-config": "prints its configuration", "completion": "prints a shell completion script",
}

// oneShotAnyArgs end a program wherever they stand among its arguments: no flag takes a
// value spelt with two dashes like them.
var oneShotAnyArgs = map[string]string{"--version": "prints its version", "--help": "prints its help"}

// oneShotShortFlags are the short flags on which a program exits, by its executable name:
// elsewhere -v is often verbosity (klog's -v 2) and -t or -c a value's flag. Sources:
// nginx -v, -V, -t, -T; Apache httpd -v, -V, -t, -S; HAProxy -v, -vv, -c (-V is verbose);
// Fluent Bit -V (-v is verbose); vault and consul -v.
var oneShotShortFlags = map[string][]string{
	"nginx": {"-v", "-V", "-t", "-T"}, "openresty": {"-v", "-V", "-t", "-T"},
	"httpd": {"-v", "-V", "-t", "-S"}, "apache2": {"-v", "-V", "-t", "-S"},
	"haproxy": {"-v", "-vv", "-c"}, "fluent-bit": {"-V"}, "vault": {"-v"}, "consul": {"-v"},
}

// argumentEnds returns the program that words run (read through wrappers) and the argument
// on which it exits, as "its first argument version (it prints its version and exits)", or
// "". entrypoint says that words are all arguments of the image's entrypoint (a container
// with args and no command).
func argumentEnds(words []string, entrypoint bool) (prog, with string) {
	prog = "the image's entrypoint"
	if !entrypoint {
		program, _, why := readThrough(words)
		if why != "" || len(program) == 0 {
			return "", ""
		}
		prog, words = path.Base(program[0]), program[1:]
	}
	if len(words) == 0 {
		return "", ""
	}
	first := words[0]
	switch {
	case first == "-h" && (len(words) == 1 || strings.HasPrefix(words[1], "-")):
		return prog, "its first argument -h (it prints its help and exits)"
	case oneShotFirstArgs[first] != "":
		return prog, fmt.Sprintf("its first argument %s (it %s and exits)", first, oneShotFirstArgs[first])
	}
	for _, w := range words {
		if does := oneShotAnyArgs[w]; does != "" {
			return prog, fmt.Sprintf("%s (it %s and exits)", w, does)
		}
		if contains(oneShotShortFlags[prog], w) {
			return prog, w + " (it prints its version or checks its configuration and exits)"
		}
	}
	return "", ""
}

// programArgumentEnds returns the program that container n runs and the argument on which
// it exits (argumentEnds), or "": its exec-form command, the last statement of its script (through exec,
// `setup &&`, `|| true` and a nested sh -c), or the args its image's entrypoint gets.
func programArgumentEnds(n *yaml.Node) (prog, with string) {
	if s := containerScript(n); s != nil {
		if s.file == nil || len(s.file.Stmts) == 0 {
			return "", ""
		}
		return scriptArgumentEnds(s.file.Stmts[len(s.file.Stmts)-1], 0)
	}
	words := wordValues(expandedNodes(n, commandWords(n)))
	return argumentEnds(words, len(seqItems(lookup(n, "command"))) == 0)
}

// scriptArgumentEnds is programArgumentEnds for the last statement of a script.
func scriptArgumentEnds(st *syntax.Stmt, depth int) (prog, with string) {
	for {
		bin, ok := st.Cmd.(*syntax.BinaryCmd)
		switch {
		case ok && bin.Op == syntax.OrStmt && isTrue(bin.Y):
			st = bin.X
			continue
		case ok && bin.Op == syntax.AndStmt && setupStmt(bin.X):
			st = bin.Y
			continue
		}
		break
	}
	if inner := innerScript(st); inner != "" && depth < 3 {
		f, err := shell.Parse(inner)
		if err != nil || len(f.Stmts) == 0 {
			return "", ""
		}
		return scriptArgumentEnds(f.Stmts[len(f.Stmts)-1], depth+1)
	}
	call, name := shell.CallName(st)
	if call == nil || st.Negated {
		return "", ""
	}
	words := make([]string, len(call.Args))
	for i, a := range call.Args {
		words[i] = shell.WordText(a)
	}
	if name == "exec" {
		words = words[1:]
	}
	return argumentEnds(words, false)
}
