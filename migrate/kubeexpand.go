package migrate

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The kubelet expands $(VAR) in a container's command and args, and in the value of each env
// entry, before the program starts: VAR is looked up among the container's env (for an env
// value, the entries above it), $$ stands for one $, and a reference to no variable stays as
// it is written. So `args: ["$(ONCE_FLAG)"]` with ONCE_FLAG=--one-time runs the program with
// --one-time, and what a container runs is read after that expansion. A variable that
// valueFrom sets, or that envFrom may set, has a value the document does not show.

// kubeVar is one variable of a container's environment as the kubelet sees it.
type kubeVar struct {
	value string
	known bool // false: set by valueFrom, whose value is not in the document
}

// kubeVars returns the variables of container n, each env value expanded as the kubelet
// expands it, and whether envFrom may set others.
func kubeVars(n *yaml.Node) (vars map[string]kubeVar, envFrom bool) {
	env := seqItems(lookup(n, "env"))
	vars = make(map[string]kubeVar, len(env))
	envFrom = lookup(n, "envFrom") != nil
	for _, e := range env {
		name := scalar(e, "name")
		if lookup(e, "valueFrom") != nil {
			vars[name] = kubeVar{}
			continue
		}
		v, unknown := expandKube(scalar(e, "value"), vars, envFrom)
		vars[name] = kubeVar{value: v, known: len(unknown) == 0}
	}
	return vars, envFrom
}

// expandKube expands s as the kubelet does, and returns the names of the variables whose
// value it could not know (from valueFrom, or absent while envFrom may set them); those
// references stay as written.
func expandKube(s string, vars map[string]kubeVar, envFrom bool) (string, []string) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	var unknown []string
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch next := s[i+1]; {
		case next == '$':
			b.WriteByte('$')
			i++
		case next == '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteString(s[i:])
				return b.String(), unknown
			}
			name := s[i+2 : i+2+end]
			v, set := vars[name]
			switch {
			case set && v.known:
				b.WriteString(v.value)
			case set || envFrom:
				unknown = append(unknown, name)
				b.WriteString(s[i : i+3+end])
			default:
				b.WriteString(s[i : i+3+end])
			}
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String(), unknown
}

// expandedCommand returns the values of the command and args of container n after the
// kubelet's expansion, and the variables among them whose value the document does not show.
func expandedCommand(n *yaml.Node) (values, unknown []string) {
	vars, envFrom := kubeVars(n)
	for _, w := range commandWords(n) {
		v, u := expandKube(w.Value, vars, envFrom)
		values = append(values, v)
		unknown = append(unknown, u...)
	}
	return values, unknown
}

// expandedNodes returns copies of words (command and args of container n) with their values
// expanded, at the same lines.
func expandedNodes(n *yaml.Node, words []*yaml.Node) []*yaml.Node {
	vars, envFrom := kubeVars(n)
	out := make([]*yaml.Node, len(words))
	for i, w := range words {
		cp := *w
		cp.Value, _ = expandKube(w.Value, vars, envFrom)
		out[i] = &cp
	}
	return out
}

// unseenProgram returns why container n's program is not shown, or nil: its first command
// word is a $(VAR) whose value comes from valueFrom or may come from envFrom.
// Without a command, the first word of args is an argument of the image's entrypoint.
func unseenProgram(n *yaml.Node, words []*yaml.Node) *unproven {
	if len(words) == 0 || len(seqItems(lookup(n, "command"))) == 0 {
		return nil
	}
	vars, envFrom := kubeVars(n)
	if _, unknown := expandKube(words[0].Value, vars, envFrom); len(unknown) > 0 {
		return &unproven{what: words[0].Value, line: words[0].Line, why: fmt.Sprintf("names its program through $(%s), whose value the document does not show (valueFrom or envFrom); write the program itself", unknown[0])}
	}
	return nil
}

// unseenArgs returns why the command line of c's catalogued program is not shown, or "": a
// word that starts with a $(VAR) whose value the document does not show may be a
// subcommand or a switch that makes it run once, and so may the value of one of its
// one-shot flags (--one-time=$(V)); a $(VAR) inside another flag's value (--address=$(IP))
// is only that value.
// unseenShellVars returns the variables a shell word takes ($NAME, ${NAME}) whose values
// the document does not show: set by valueFrom, or possibly by envFrom.
func unseenShellVars(word string, vars map[string]kubeVar, envFrom bool) []string {
	var out []string
	for _, m := range shellVarRef.FindAllStringSubmatch(word, -1) {
		name := m[1]
		if v, ok := vars[name]; ok && !v.known || !ok && envFrom {
			out = append(out, name)
		}
	}
	return out
}

// expandShellVars expands, in a shell script's text, $NAME and ${NAME} of the variables
// whose values the document shows; the others stay as written.
func expandShellVars(s string, vars map[string]kubeVar) string {
	if !strings.Contains(s, "$") {
		return s
	}
	for name, v := range vars {
		if v.known && name != "" {
			s = replaceShellVar(strings.ReplaceAll(s, "${"+name+"}", v.value), name, v.value)
		}
	}
	return s
}

func (c container) unseenArgs() string {
	found, _ := c.programs()
	if len(found) == 0 {
		return ""
	}
	vars, envFrom := kubeVars(c.node)
	for _, w := range commandWords(c.node) {
		for _, field := range strings.Fields(w.Value) {
			_, unknown := expandKube(field, vars, envFrom)
			if shellAt(commandWords(c.node)) >= 0 {
				unknown = append(unknown, unseenShellVars(field, vars, envFrom)...)
			}
			if len(unknown) == 0 {
				continue
			}
			flag, _, _ := strings.Cut(strings.TrimLeft(field, "-"), "=")
			for _, p := range found {
				if strings.HasPrefix(field, "$") || contains(p.flags, flag) {
					return fmt.Sprintf("the command line of %s takes %s, whose value comes from valueFrom or envFrom, which the manifest does not show: it may be a switch that makes it run once", p.program, "$("+unknown[0]+")")
				}
			}
		}
	}
	return ""
}
