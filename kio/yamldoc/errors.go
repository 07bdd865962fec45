package yamldoc

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	yaml4 "go.yaml.in/yaml/v4"
)

// Error is an input that could not be processed, with the file and line it is about.
type Error struct {
	Path   string
	Line   int // 1-based; 0 when the error is about the whole file
	Column int // 1-based, in characters; 0 when only the line is known
	Msg    string
	// Quoted is the line to show under the message: the error's own, or where the construct
	// it is about began when the error's line is blank (the end of the file); nil when there
	// is no line to show.
	Quoted *Excerpt
}

// Excerpt is one line of a file, with where in it to point.
type Excerpt struct {
	Line, Column int // 1-based; Column 0 points at no character
	Text         string
}

// Error formats e as "FILE:LINE:COLUMN: message" (or "FILE:LINE: message" without a
// column), the form editors and CI annotations understand.
func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Column, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return e.Path + ": " + e.Msg
}

// quoteWidth is how many characters of a long line Quote shows, around the column.
const quoteWidth = 100

// Quote returns the quoted line as compilers show it: the line with its number, and under
// it a caret at the column; empty when there is none. Of a long line, the part around the
// column is shown.
func (e *Error) Quote() string {
	x := e.Quoted
	if x == nil {
		return ""
	}
	text, col := []rune(x.Text), x.Column
	prefix, suffix := "", ""
	if len(text) > quoteWidth {
		from := min(max(col-1-quoteWidth/2, 0), len(text)-quoteWidth)
		if from > 0 {
			prefix, col = "...", col-from+3
		}
		if from+quoteWidth < len(text) {
			suffix = "..."
		}
		text = text[from : from+quoteWidth]
	}
	num := strconv.Itoa(x.Line)
	q := fmt.Sprintf("  %s | %s%s%s", num, prefix, string(text), suffix)
	if col > 0 {
		// Tabs stay tabs under the line, so that the caret lines up with the character.
		under := []rune(prefix + string(text))[:min(col-1, len(prefix)+len(text))]
		for i, r := range under {
			if r != '\t' {
				under[i] = ' '
			}
		}
		q += fmt.Sprintf("\n  %s | %s^", strings.Repeat(" ", len(num)), string(under))
	}
	return q
}

// excerpt returns line of content, a document that starts at file line firstLine, with the
// column to point at; nil when the line is blank.
func excerpt(content []byte, firstLine, line, col int) *Excerpt {
	text := string(bytes.TrimRight(NumberedLine(content, line), " \t\r"))
	if strings.TrimSpace(text) == "" {
		return nil
	}
	return &Excerpt{Line: firstLine + line - 1, Column: col, Text: text}
}

// At places e at a line and column of content, a document that starts at file line
// firstLine, and quotes that line.
func (e *Error) At(content []byte, firstLine, line, col int) *Error {
	e.Line, e.Column = firstLine+line-1, col
	e.Quoted = excerpt(content, firstLine, line, col)
	return e
}

var yamlLineRe = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

// parseError turns the YAML parser's error for content, a document that starts at file line
// firstLine, into an Error at the problem's line and column, with the line quoted.
//
// The parser names the line where the construct around the problem started (a mapping, a
// key), often lines before the problem itself, and no column. Its successor, go.yaml.in/yaml/v4,
// reports both marks: it is asked where the problem is, and its answer is taken when it
// found the same problem, which it does for every error of the scanner and the parser they
// share; otherwise the line named is kept.
func parseError(err error, content []byte, firstLine int) *Error {
	msg := err.Error()
	m := yamlLineRe.FindStringSubmatchIndex(msg)
	if m == nil {
		return &Error{Line: firstLine, Msg: msg}
	}
	problem := msg[m[1]:]
	e := &Error{Msg: "invalid YAML: " + problem}
	readable, _ := readableJSON(content)
	var le *yaml4.LoadError
	if errors.As(yaml4.Unmarshal(readable, &yaml4.Node{}), &le) && le.Message == problem && le.Mark.Line > 0 {
		if c := le.ContextMark; le.ContextMsg != "" && c.Line > 0 && c.Line != le.Mark.Line {
			e.Msg += fmt.Sprintf(", %s at line %d, column %d", le.ContextMsg, firstLine+c.Line-1, c.Column)
			if e.At(content, firstLine, le.Mark.Line, le.Mark.Column); e.Quoted == nil {
				e.Quoted = excerpt(content, firstLine, c.Line, c.Column) // where what never ended began
			}
		} else {
			e.At(content, firstLine, le.Mark.Line, le.Mark.Column)
		}
		for l := le.Mark.Line - 1; e.Quoted == nil && l > 0; l-- {
			e.Quoted = excerpt(content, firstLine, l, 0) // the end of the text: its last line
		}
		return e
	}
	line := 1
	if m[2] >= 0 {
		line, _ = strconv.Atoi(msg[m[2]:m[3]])
	}
	return e.At(content, firstLine, line, 0)
}

// NumberedLine returns the 1-based line n of content, without its line break.
func NumberedLine(content []byte, n int) []byte {
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(content, '\n')
		if j < 0 {
			return nil
		}
		content = content[j+1:]
	}
	if j := bytes.IndexByte(content, '\n'); j >= 0 {
		return content[:j]
	}
	return content
}
