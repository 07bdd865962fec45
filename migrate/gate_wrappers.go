package migrate

import (
	"path"
	"strings"
)

// A wrapper runs the program given after its own options (env NAME=V PROGRAM, tini --
// PROGRAM, nice -n 5 PROGRAM): the program decides how long the container lives, so the
// gate reads through it. A wrapper whose options it cannot read, or that changes who runs
// the program in ways it does not follow (sudo, chpst, flock), leaves the command unproven.

// wrapperOptions reads the options of a wrapper that the gate reads through, and returns
// the index of the wrapped program's first word in args (the words after the wrapper's
// name), or -1 when an option is not one it knows.
var wrapperOptions = map[string]func(args []string) int{
	"env":       envOptions,
	"nohup":     func([]string) int { return 0 },
	"tini":      optionsThen("--", "-p", "-e"),
	"catatonit": optionsThen("--"),
	"dumb-init": optionsThen("--", "-r", "--rewrite"),
	"nice":      optionsThen("--", "-n", "--adjustment"),
	"ionice":    optionsThen("--", "-c", "-n", "--class", "--classdata"),
	"stdbuf":    optionsThen("--", "-i", "-o", "-e"),
	"setpriv":   optionsThen("--"),
	"busybox":   appletThen,
	"su-exec":   userThen,
	"gosu":      userThen,
}

// opaqueWrappers run a program the gate does not read through.
var opaqueWrappers = map[string]bool{
	"sudo": true, "runuser": true, "su": true, "chpst": true, "flock": true, "strace": true,
	"ltrace": true, "chroot": true, "unshare": true, "nsenter": true, "taskset": true,
	"numactl": true, "xargs": true, "watch": true, "s6-setuidgid": true, "setsid": true,
}

// readThrough returns the words of the program that words run once the wrappers in front are
// read through, or why they cannot be. wrapped says whether there was a wrapper at all.
func readThrough(words []string) (program []string, wrapper, why string) {
	for len(words) > 0 {
		name := path.Base(words[0])
		if opaqueWrappers[name] {
			return nil, name, "runs its program through " + name + ", which this tool does not read through; run the program directly"
		}
		read := wrapperOptions[name]
		if read == nil {
			return words, wrapper, ""
		}
		wrapper = name
		at := read(words[1:])
		if at < 0 || at+1 >= len(words) {
			return nil, name, "runs " + name + " with options or no program this tool cannot read; run the program directly"
		}
		words = words[at+1:]
	}
	return words, wrapper, ""
}

// envOptions reads env's assignments and options: -i, -0, -u NAME, --unset=NAME, --.
func envOptions(args []string) int {
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--":
			return i + 1
		case a == "-u" || a == "--unset":
			i++
		case a == "-i" || a == "-" || a == "--ignore-environment" || a == "-0" || a == "--null" || strings.HasPrefix(a, "--unset="):
		case strings.HasPrefix(a, "-"):
			return -1 // -S splits a string into words, -C changes the folder: not read
		case strings.Contains(a, "="):
		default:
			return i
		}
	}
	return len(args)
}

// optionsThen returns a reader of options that start with -: those listed take the next
// word as their value unless it is attached (-n5, --adjustment=5), and end ends them.
func optionsThen(end string, withValue ...string) func([]string) int {
	return func(args []string) int {
		for i := 0; i < len(args); i++ {
			a := args[i]
			switch {
			case a == end:
				return i + 1
			case !strings.HasPrefix(a, "-") || a == "-":
				return i
			}
			for _, v := range withValue {
				if a == v {
					i++
				}
			}
		}
		return len(args)
	}
}

// userThen reads the user of su-exec and gosu: USER[:GROUP] PROGRAM.
func userThen(args []string) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return -1
	}
	return 1
}

// appletThen reads busybox APPLET ARGS: the applet is the program.
func appletThen(args []string) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return -1
	}
	return 0
}
