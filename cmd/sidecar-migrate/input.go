package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"slices"

	"github.com/spf13/cobra"
)

// checkPaths checks the paths of a command that reads files or standard input. "-" is
// standard input and cannot be mixed with paths (a file would be taken for the stream's
// destination). With no path, standard input is read when it is piped and holds something;
// otherwise (a terminal, /dev/null, an empty pipe) the usage is printed and the run exits 2,
// so that a CI job that forgot its paths does not pass on zero files. It returns the streams
// to use: stdin is wrapped to look ahead.
func checkPaths(cmd *cobra.Command, paths []string, s streams) (streams, error) {
	if len(paths) > 1 && slices.Contains(paths, "-") {
		return s, usageError(cmd, `"-" (standard input) cannot be mixed with paths`)
	}
	if len(paths) > 0 {
		return s, nil
	}
	if !piped(s.in) {
		return s, usageError(cmd, "no PATH given and standard input is not piped")
	}
	in := bufio.NewReader(s.in)
	if _, err := in.Peek(1); err != nil {
		if errors.Is(err, io.EOF) {
			return s, usageError(cmd, "no PATH given and standard input is empty")
		}
		return s, &exitError{code: exitFailed, msg: "reading standard input: " + err.Error()}
	}
	s.in = in
	return s, nil
}

// piped reports whether in is a pipe, a socket or a redirected file, rather than a terminal
// or a device such as /dev/null.
func piped(in io.Reader) bool {
	f, ok := in.(*os.File)
	if !ok {
		return true // a reader given by a test or a caller
	}
	info, err := f.Stat()
	if err != nil {
		return false
	}
	m := info.Mode()
	return m.IsRegular() || m&(os.ModeNamedPipe|os.ModeSocket) != 0
}

func usageError(cmd *cobra.Command, msg string) error {
	cmd.PrintErr(cmd.UsageString())
	return &exitError{code: exitFailed, msg: msg}
}

// readsStdin reports whether checked paths mean standard input: "-", or no path.
func readsStdin(paths []string) bool {
	return len(paths) == 0 || (len(paths) == 1 && paths[0] == "-")
}
