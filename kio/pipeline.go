package kio

import (
	"bytes"
	"io"
	"os"
	"runtime"
	"unicode/utf8"

	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// Run reads and migrates the inputs with a bounded pool of workers and calls emit with each
// result in input order, whatever the scheduling, so that output is deterministic. It takes
// the inputs from next, streaming: at most 2×jobs files are held in memory at a time, however
// many there are. jobs <= 0 means GOMAXPROCS.
func Run(next func(yield func(Input)), jobs int, opts migrate.Options, emit func(FileResult)) {
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	type job struct {
		in  Input
		out chan FileResult
	}
	work := make(chan job)
	pending := make(chan chan FileResult, 2*jobs) // results to emit, in input order
	for range jobs {
		go func() {
			buf := make([]byte, scanSize)
			for j := range work {
				j.out <- migrateFile(j.in, opts, buf)
			}
		}()
	}
	go func() {
		next(func(in Input) {
			out := make(chan FileResult, 1)
			pending <- out
			work <- job{in, out}
		})
		close(work)
		close(pending)
	}()
	for out := range pending {
		emit(<-out)
	}
}

// Inputs turns a list of inputs into the form Run takes.
func Inputs(list []Input) func(yield func(Input)) {
	return func(yield func(Input)) {
		for _, in := range list {
			yield(in)
		}
	}
}

// scanSize is the size of each worker's read buffer. Most manifests fit in it, and are then
// read once; larger files are scanned through it in chunks.
const scanSize = 64 << 10

// migrateFile reads and migrates one file. buf is the worker's buffer, reused from file to
// file so that the many files without a container cost no allocation.
func migrateFile(in Input, opts migrate.Options, buf []byte) FileResult {
	if in.Result != nil {
		return *in.Result
	}
	if len(in.Skip) > 0 {
		opts.Skip = append(append([]migrate.Resource{}, opts.Skip...), in.Skip...)
	}
	if in.HelmTemplate {
		return FileResult{Path: in.Path, Findings: []migrate.Finding{helmTemplateFinding()}}
	}
	f, err := OpenRegular(in.Path) // never blocks: a FIFO put in place of the file is refused
	if err != nil {
		return FileResult{Path: in.Path, Err: err}
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return FileResult{Path: in.Path, Err: err}
	}
	// Most files of a repository hold no container at all: scan them in chunks and never
	// hold them whole, so memory does not depend on the largest file.
	var text yamldoc.ContentScanner
	found, whole, serr := scanFor(io.TeeReader(f, &text), "container", buf)
	if serr != nil {
		serr.Path = in.Path
		return FileResult{Path: in.Path, Err: serr}
	}
	if !found {
		r := FileResult{Path: in.Path}
		if !text.Found() {
			r.Findings = []migrate.Finding{emptyFinding()}
		}
		return r
	}
	var r FileResult
	if whole != nil {
		data := bytes.Clone(whole)                                 // the result outlives buf
		r = migrateText(yamldoc.Decode(in.Path, data), data, opts) // scanFor checked these bytes
	} else {
		data, err := readAgain(f)
		if err != nil {
			return FileResult{Path: in.Path, Err: err}
		}
		r = MigrateBytes(in.Path, data, opts) // read again: checked again
	}
	r.Info = info
	return r
}

// readAgain reads f whole from its start, in one allocation of its size.
func readAgain(f *os.File) ([]byte, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if info, err := f.Stat(); err == nil {
		b.Grow(int(info.Size()) + bytes.MinRead)
	}
	_, err := b.ReadFrom(f)
	return b.Bytes(), err
}

// scanFor reports whether r contains word, reading it through buf in chunks. When r fits in
// buf, whole is its content (in buf), so that it need not be read again. It also rejects
// content that is not text (a NUL byte, invalid UTF-8), naming the line.
func scanFor(r io.Reader, word string, buf []byte) (found bool, whole []byte, _ *Error) {
	carry := 0 // bytes at the start of buf kept from the previous chunk: a word or a rune split across chunks
	line := 1
	for first := true; ; first = false {
		n, err := io.ReadFull(r, buf[carry:])
		eof := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !eof {
			return false, nil, &Error{Msg: err.Error()}
		}
		chunk := buf[:carry+n]
		found = found || bytes.Contains(chunk, []byte(word))
		// Keep an incomplete rune at the end for the next chunk; validate the rest.
		cut := len(chunk)
		if !eof {
			for k := 1; k <= 3 && k <= len(chunk); k++ {
				if utf8.RuneStart(chunk[len(chunk)-k]) {
					if !utf8.FullRune(chunk[len(chunk)-k:]) {
						cut = len(chunk) - k
					}
					break
				}
			}
		}
		if cerr := yamldoc.CheckText(chunk[:cut], line); cerr != nil {
			return false, nil, cerr // the incomplete rune cut off holds no NUL
		}
		if eof {
			if first {
				whole = chunk
			}
			return found, whole, nil
		}
		// Carry the last len(word)-1 bytes too, so a word split across chunks is found.
		keep := max(min(cut, len(chunk)-len(word)+1), 0)
		for keep > 0 && keep < len(chunk) && !utf8.RuneStart(chunk[keep]) {
			keep-- // never split a rune: the carried bytes are validated again
		}
		line += bytes.Count(chunk[:keep], []byte("\n"))
		carry = copy(buf, chunk[keep:])
	}
}

func helmTemplateFinding() migrate.Finding {
	return migrate.Finding{Rule: migrate.RuleHelmTemplate, Severity: migrate.Info, Line: 1, Column: 1,
		Message: "skipped: a Helm chart template is not a manifest; migrate the rendered output with `helm template ... --post-renderer sidecar-migrate --post-renderer-args apply --post-renderer-args -`"}
}
