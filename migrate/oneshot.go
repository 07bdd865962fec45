package migrate

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// runsOnce is what makes one catalogued program run once and exit (builtinRunsOnce).
type runsOnce struct {
	program  string
	rules    []string // the catalogue's image entries of the program
	binaries []string // its executable names, as a command word or a path's base name
	// subcommands are matched as the first word of its arguments that is not a flag, a
	// path or an address; flags by their name, without dashes; modes as the value of --mode.
	subcommands, flags, modes []string
	// env are the variables that switch it to run once: NAME when true, NAME=VALUE when
	// set to VALUE (any case).
	env []string
	// configSetting is the configuration file's setting that makes it run once; configFlags
	// the flags that name that file.
	configSetting string
	configFlags   []string
}

// exitsAlways are the flags on which every program prints something and exits.
var exitsAlways = []string{"version", "help"}

// builtinImageRules indexes the image catalogue by rule id.
var builtinImageRules = func() map[string]imageRule {
	byID := map[string]imageRule{}
	for _, r := range builtinImages {
		byID[r.ID] = r
	}
	return byID
}()

// programs returns the entries of builtinRunsOnce that c runs, each with the words of its
// arguments: those after the program's own word when the command names it (its last
// mention in a command's place: a script's final program is what the container runs), up to
// the next separator; else the args the image's entrypoint gets (all words without a
// command, the script after a shell's -c, the words after the command's first).
func (c container) programs() (found []runsOnce, args [][]string) {
	for _, p := range builtinRunsOnce {
		at := -1
		for i, w := range c.words {
			if contains(p.binaries, path.Base(w)) && commandPosition(c.words, i) {
				at = i
			}
		}
		switch {
		case at >= 0:
			args = append(args, untilSeparator(c.words[at+1:]))
		case !imageOf(p.rules, c):
			continue
		case lookup(c.node, "command") == nil:
			args = append(args, c.words)
		case len(c.words) > 1 && isShell(path.Base(c.words[0])) && c.words[1] == "-c":
			args = append(args, untilSeparator(c.words[2:]))
		default:
			args = append(args, c.words[min(1, len(c.words)):])
		}
		found = append(found, p)
	}
	return found, args
}

// untilSeparator returns the words of one command: those before the first shell separator.
func untilSeparator(words []string) []string {
	for i, w := range words {
		if w == "&&" || w == "||" || w == "|" || w == ";" || strings.HasSuffix(w, ";") {
			return words[:i]
		}
	}
	return words
}

// commandPosition reports whether words[i] is where a command line names its program: the
// first word, or the word after a shell's -c, a separator or a wrapper that runs the rest
// (exec, env, tini --). A path that a flag takes (--config-dir /etc/vector) is no program.
func commandPosition(words []string, i int) bool {
	if i == 0 {
		return true
	}
	prev := words[i-1]
	switch strings.TrimLeft(path.Base(prev), "(") {
	case "-c", "--", "exec", "env", "nohup", "command", "then", "do", "else", "&&", "||", "|", ";",
		"tini", "dumb-init", "su-exec", "gosu", "setpriv", "nice", "ionice", "time":
		return true
	}
	return strings.HasSuffix(prev, ";") || strings.HasSuffix(prev, "&&") || strings.HasSuffix(prev, "|")
}

// matchesImage reports whether the image of c is one of r's repositories, whatever its
// arguments (r.match also wants r's subcommand).
func matchesImage(r imageRule, c container) bool {
	r.needArgs = nil
	return r.match(c)
}

// programRunsOnce returns why c's catalogued program plainly runs once, or "".
func (c container) programRunsOnce() string {
	found, args := c.programs()
	for i, p := range found {
		if why := p.runsOnceWith(args[i]); why != "" {
			return fmt.Sprintf("%s runs once with %s", p.program, why)
		}
		for _, e := range p.env {
			k, want, exact := strings.Cut(e, "=")
			if v, set := c.env[k]; set && ((exact && strings.EqualFold(v, want)) || (!exact && boolTrue(v))) {
				return fmt.Sprintf("%s runs once with %s=%s", p.program, k, v)
			}
		}
	}
	return ""
}

// configRunsOnce returns why the configuration that c's command writes makes its program
// run once (vault agent's exit_after_auth = true in a heredoc), or "". It is apart from
// oneShot: such an init container is reported as a plain init step (initRunsOnce).
func (c container) configRunsOnce() string {
	found, _ := c.programs()
	for _, p := range found {
		if p.configSetting != "" && settingTrue(p.configSetting, strings.Join(c.words, " ")) {
			return fmt.Sprintf("the configuration its command writes sets %s = true", p.configSetting)
		}
	}
	return c.configEnvRunsOnce()
}

// runsOnceWith returns the subcommand, flag or mode among args that makes p exit, or "".
func (p runsOnce) runsOnceWith(args []string) string {
	sub := ""
	for i, w := range args {
		name, value, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
		switch {
		case !strings.HasPrefix(w, "-"):
			if sub == "" && !strings.ContainsAny(w, "/.:=$") {
				sub = w
			}
		case (contains(p.flags, name) || contains(exitsAlways, name)) && (!hasValue || boolTrue(value)):
			return w
		case name == "mode" && len(p.modes) > 0:
			if !hasValue && i+1 < len(args) {
				value = args[i+1]
			}
			if contains(p.modes, value) {
				return "--mode " + value
			}
		}
	}
	if contains(p.subcommands, sub) {
		return "its subcommand " + sub
	}
	return ""
}

// mayRunOnce returns why c's catalogued program may run once by a switch the manifest does
// not show, or "": an environment variable that switches it, from valueFrom or possibly
// from envFrom, or a configuration file that may set it. Only run-to-completion pods care:
// there, a sidecar that exits is restarted and its failure no longer fails the Job.
func (c container) mayRunOnce() string {
	if why := c.unseenArgs(); why != "" {
		return why
	}
	if why := c.configEnvUnseen(); why != "" {
		return why
	}
	found, args := c.programs()
	for i, p := range found {
		for _, e := range p.env {
			k, _, _ := strings.Cut(e, "=")
			if n := envEntry(c, k); n != nil && lookup(n, "valueFrom") != nil {
				return fmt.Sprintf("%s runs once when %s, and its value comes from valueFrom, which the manifest does not show", p.program, envSwitches([]string{e}))
			}
		}
		if len(p.env) > 0 && lookup(c.node, "envFrom") != nil {
			return fmt.Sprintf("%s runs once when %s, and its envFrom may set it: its ConfigMap or Secret is not part of this document (one in the same file is not read either)", p.program, envSwitches(p.env))
		}
		if file := flagValue(args[i], p.configFlags); file != "" && p.configSetting != "" && !c.writes(file) {
			return fmt.Sprintf("%s runs once when its configuration sets %s = true, and its configuration %s is a file this document does not show (a ConfigMap in the same file is not read: each document is migrated on its own)", p.program, p.configSetting, file)
		}
	}
	return ""
}

// envSwitches says when the variables of a runsOnce's env switch it: "A or B is true",
// "METHOD is LIST".
func envSwitches(env []string) string {
	var bools, values []string
	for _, e := range env {
		if k, v, exact := strings.Cut(e, "="); exact {
			values = append(values, k+" is "+v)
		} else {
			bools = append(bools, k)
		}
	}
	if len(bools) > 0 {
		values = append([]string{strings.Join(bools, " or ") + " is true"}, values...)
	}
	return strings.Join(values, " or ")
}

// writes reports whether c's script writes file (> FILE, >FILE, tee FILE): the
// configuration it names is then in the document (or in a variable, configwrite.go).
func (c container) writes(file string) bool {
	_, writes := c.writtenFrom(file)
	return writes
}

// envEntry returns the env entry of c named name, or nil.
func envEntry(c container, name string) *yaml.Node {
	for _, e := range seqItems(lookup(c.node, "env")) {
		if scalar(e, "name") == name {
			return e
		}
	}
	return nil
}

// flagValue returns the value of the first of flags among args (-f=V, --f=V, -f V), or "".
func flagValue(args, flags []string) string {
	for i, w := range args {
		if !strings.HasPrefix(w, "-") {
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
		if !contains(flags, name) {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		if value != "" {
			return value
		}
	}
	return ""
}

// settingTrue reports whether text sets setting to true, as HCL or YAML write it.
func settingTrue(setting, text string) bool {
	re := regexp.MustCompile(regexp.QuoteMeta(setting) + `\s*[=:]\s*"?true`)
	return re.MatchString(text)
}

// boolTrue reports whether s is true as Go's flag and strconv packages read it (true, 1, t).
func boolTrue(s string) bool {
	b, err := strconv.ParseBool(s)
	return err == nil && b
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
