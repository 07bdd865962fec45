package main

import (
	"io"
	"os"
)

func main() {
	tuneGC()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// streams are the command's standard streams, injected so that tests can run commands
// in-process.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

// run executes the command line args and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := newRootCmd(streams{in: stdin, out: stdout, err: stderr})
	cmd.SetArgs(args)
	return exitCode(cmd.Execute(), stderr)
}
