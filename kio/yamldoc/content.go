package yamldoc

// ContentScanner is an io.Writer that tells whether the text written to it, in any number
// of chunks, holds anything but blank lines, comments and document markers ("---", "...").
type ContentScanner struct {
	offset  int  // bytes written so far
	state   int  // one of the scan states below
	marker  byte // '-' or '.' in scanMarker
	markers int  // how many of them
	found   bool
}

const (
	scanLineStart   = iota // only blanks so far on this line
	scanComment            // in a comment, up to the end of the line
	scanMarker             // in a "---" or "..." at the start of the line
	scanAfterMarker        // after a marker: blanks or a comment may follow
)

func (s *ContentScanner) Write(p []byte) (int, error) {
	for i := 0; i < len(p) && !s.found; i, s.offset = i+1, s.offset+1 {
		b := p[i]
		if s.offset < len(utf8BOM) && b == utf8BOM[s.offset] {
			continue
		}
		if b == '\n' {
			s.endLine()
			continue
		}
		switch s.state {
		case scanLineStart, scanAfterMarker:
			switch {
			case b == '#':
				s.state = scanComment
			case b == ' ' || b == '\t' || b == '\r':
			case s.state == scanLineStart && (b == '-' || b == '.'):
				s.state, s.marker, s.markers = scanMarker, b, 1
			default:
				s.found = true
			}
		case scanMarker:
			switch {
			case s.markers < 3 && b == s.marker:
				s.markers++
			case s.markers == 3 && (b == ' ' || b == '\t' || b == '\r'):
				s.state = scanAfterMarker
			default:
				s.found = true
			}
		}
	}
	return len(p), nil
}

func (s *ContentScanner) endLine() {
	if s.state == scanMarker && s.markers < 3 {
		s.found = true // "-" or ".." is content
	}
	s.state = scanLineStart
}

// Found reports whether the text written so far holds content.
func (s *ContentScanner) Found() bool {
	if !s.found {
		s.endLine()
	}
	return s.found
}

// HasContent reports whether data holds anything but blank lines, comments and document
// markers.
func HasContent(data []byte) bool {
	var s ContentScanner
	s.Write(data)
	return s.Found()
}
