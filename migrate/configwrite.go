package migrate

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// A configuration file that a container's script writes from an environment variable
// (echo "$VAULT_CONFIG" > /tmp/agent.hcl, printenv VAULT_CONFIG > ...): its content is that
// variable's value, which the document shows only when env gives it inline. A
// here-document is the script's own text: a variable in it fills a value, and the settings
// it writes are read from the script.

// shellVarRef finds $NAME and ${NAME} in a script's words.
var shellVarRef = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)

// writtenFrom returns the variables that the statement of c's script which writes file
// reads ($NAME, ${NAME}, printenv NAME), or nil when no statement writes it.
func (c container) writtenFrom(file string) (vars []string, writes bool) {
	for i, w := range c.words {
		if !(w == ">"+file || w == ">>"+file || ((w == ">" || w == ">>" || path.Base(w) == "tee") && i+1 < len(c.words) && c.words[i+1] == file)) {
			continue
		}
		writes = true
		from, to := i, i
		for from > 0 && !isSeparator(c.words[from-1]) {
			from--
		}
		for to < len(c.words) && !isSeparator(c.words[to]) {
			to++
		}
		if heredoc(c.words[from:to]) {
			continue // the content is the script's own text, read as such
		}
		for j := from; j < to; j++ {
			for _, m := range shellVarRef.FindAllStringSubmatch(c.words[j], -1) {
				vars = append(vars, m[1])
			}
			if path.Base(c.words[j]) == "printenv" && j+1 < to {
				vars = append(vars, c.words[j+1])
			}
		}
	}
	return vars, writes
}

// heredoc reports whether a statement's words feed it a here-document.
func heredoc(words []string) bool {
	for _, w := range words {
		if strings.HasPrefix(w, "<<") {
			return true
		}
	}
	return false
}

func isSeparator(w string) bool {
	return w == "&&" || w == "||" || w == "|" || w == ";" || strings.HasSuffix(w, ";")
}

// configFromEnv returns, for p's configuration file named by args, the variable it is
// written from whose inline value sets p's setting to true (set), or the first variable
// whose value the document does not show (unseen).
func (c container) configFromEnv(p runsOnce, args []string) (set, unseen string) {
	file := flagValue(args, p.configFlags)
	if file == "" || p.configSetting == "" {
		return "", ""
	}
	vars, _ := c.writtenFrom(file)
	if m := regexp.MustCompile(regexp.QuoteMeta(p.configSetting) + `\s*[=:]\s*"?\$\{?(\w+)`).FindStringSubmatch(strings.Join(c.words, " ")); m != nil {
		vars = append(vars, m[1]) // a here-document's setting = $VAR
	}
	known, _ := kubeVars(c.node)
	for _, name := range vars {
		v, ok := known[name]
		switch {
		case ok && v.known && settingTrue(p.configSetting, v.value):
			return name, ""
		case (!ok || !v.known) && unseen == "":
			unseen = name
		}
	}
	return "", unseen
}

// configEnvRunsOnce returns why the configuration c's script writes from an env variable
// makes its program run once, or "".
func (c container) configEnvRunsOnce() string {
	found, args := c.programs()
	for i, p := range found {
		if name, _ := c.configFromEnv(p, args[i]); name != "" {
			return fmt.Sprintf("the configuration its command writes from $%s (its env value) sets %s = true", name, p.configSetting)
		}
	}
	return ""
}

// configEnvUnseen returns why the configuration c's script writes may make its program run
// once, or "": it is written from a variable whose value the document does not show.
func (c container) configEnvUnseen() string {
	found, args := c.programs()
	for i, p := range found {
		if _, name := c.configFromEnv(p, args[i]); name != "" {
			return fmt.Sprintf("%s runs once when its configuration sets %s = true, and its command writes its configuration %s from $%s, whose value the document does not show (valueFrom, envFrom or the image)", p.program, p.configSetting, flagValue(args[i], p.configFlags), name)
		}
	}
	return ""
}
