package kio

import (
	"fmt"
	"regexp"
	"strconv"
)

// Error is an input that could not be processed, with the file and line it is about.
type Error struct {
	Path string
	Line int // 1-based; 0 when the error is about the whole file
	Msg  string
}

// Error formats e as "FILE:LINE: message", the form editors and CI annotations understand.
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return e.Path + ": " + e.Msg
}

var yamlLineRe = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

// parseError turns a YAML parser error into an Error whose line counts from the start of
// the file rather than from the start of the document.
func parseError(err error, firstLine int) *Error {
	msg := err.Error()
	m := yamlLineRe.FindStringSubmatchIndex(msg)
	if m == nil {
		return &Error{Line: firstLine, Msg: msg}
	}
	line := firstLine
	if m[2] >= 0 {
		n, _ := strconv.Atoi(msg[m[2]:m[3]])
		line += n - 1
	}
	return &Error{Line: line, Msg: "invalid YAML: " + msg[m[1]:]}
}
