package kio

import "io"

// textBuffer is text written in blocks of 256 KB or more. A bytes.Buffer doubles its storage
// as it grows, so a large text may take twice its size, and a copy of it for a while: the
// items and results of a large ResourceList are held in these until they are written.
type textBuffer struct {
	blocks [][]byte
	n      int
}

const textBlock = 256 << 10

func (b *textBuffer) Write(p []byte) (int, error) {
	last := len(b.blocks) - 1
	if last < 0 || len(b.blocks[last])+len(p) > cap(b.blocks[last]) {
		b.blocks = append(b.blocks, make([]byte, 0, max(textBlock, len(p))))
		last++
	}
	b.blocks[last] = append(b.blocks[last], p...)
	b.n += len(p)
	return len(p), nil
}

// Len returns the length of the text written.
func (b *textBuffer) Len() int { return b.n }

// WriteTo writes the text to w.
func (b *textBuffer) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for _, block := range b.blocks {
		m, err := w.Write(block)
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
