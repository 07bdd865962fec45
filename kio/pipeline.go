package kio

import (
	"bytes"
	"context"
	"io"
	"iter"
	"os"
	"runtime"
	"slices"
	"unicode/utf8"

	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// Planner is what a repository-wide decision (the kustomize package's Plan) adds to the
// pipeline: it completes each input before it is read (objects to leave alone, or a result
// to emit in its place), adds its findings about each file to the file's result, and gives
// the results of files the inputs did not reach. A nil *kustomize.Plan is a valid Planner
// that changes nothing.
type Planner interface {
	Input(Input) Input
	Complete(*FileResult)
	Rest() []FileResult
}

// Emit receives what Tree produces, in order: File gets each file's result, Findings the
// findings that belong to no single file's migration: those about the whole run first (at
// ""), and last those of the cross-file step, at the file of the autoscaler they are about.
// A nil Findings drops them.
type Emit struct {
	File     func(FileResult)
	Findings func(at string, findings []migrate.Finding)
}

// Tree is the pipeline over files: it completes each input through planner (nil for none),
// reads and migrates the inputs with jobs workers (jobs <= 0 means GOMAXPROCS), and emits
// each result in input order, whatever the scheduling, so that output is deterministic.
// Then come the planner's results for files the inputs did not reach, and the findings of
// autoscalers naming a container that moved in any file. It takes the inputs streaming: at
// most 2×jobs files are held in memory at a time, however many there are, except from the
// first file whose ConfigMap scripts may meet another's (configscripts_tree.go) to the end. Once ctx is done
// the remaining inputs are drawn but not read, and the planner's other results are left out.
func Tree(ctx context.Context, inputs iter.Seq[Input], jobs int, opts migrate.Options, planner Planner, emit Emit) {
	if emit.Findings == nil {
		emit.Findings = func(string, []migrate.Finding) {}
	}
	if run := migrate.RunFindings(opts); len(run) > 0 {
		emit.Findings("", run)
	}
	var refs autoscalers[string]
	scripts := configRepo{opts: opts} // ConfigMap scripts run from other files
	if g, ok := planner.(generatedPlanner); ok {
		scripts.generated = g.GeneratedConfigMaps()
	}
	file := func(r FileResult) {
		if planner != nil {
			complete(planner, &r)
		}
		refs.addFile(r.Path, r)
		scripts.add(r, emit.File)
	}
	if planner != nil {
		inputs = planned(inputs, planner)
	}
	migrateAll(ctx, inputs, jobs, opts, file)
	if planner != nil && ctx.Err() == nil {
		for _, r := range planner.Rest() {
			file(r)
		}
	}
	scripts.flush(ctx.Err() == nil, emit.File)
	refs.findings(opts, emit.Findings)
}

// complete adds the planner's findings about r's file to r, and to the file as it was before
// its ConfigMap scripts were edited, which the end of the run may yet give back
// (configRepo.unlessUsedElsewhere).
func complete(p Planner, r *FileResult) {
	if r.edited == nil {
		p.Complete(r)
		return
	}
	added := FileResult{Path: r.Path}
	p.Complete(&added)
	for _, x := range []*FileResult{r, &r.edited.unedited} {
		x.Findings = append(x.Findings, added.Findings...)
		slices.SortStableFunc(x.Findings, func(a, b migrate.Finding) int { return a.Line - b.Line })
	}
}

// planned completes each input through planner.
func planned(inputs iter.Seq[Input], planner Planner) iter.Seq[Input] {
	return func(yield func(Input) bool) {
		for in := range inputs {
			if !yield(planner.Input(in)) {
				return
			}
		}
	}
}

// migrateAll runs the workers over the inputs and calls emit with each result in input order.
func migrateAll(ctx context.Context, inputs iter.Seq[Input], jobs int, opts migrate.Options, emit func(FileResult)) {
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
				r := migrateFile(j.in, opts, buf)
				if j.in.Result == nil {
					r.noteConfigScripts(opts)
				}
				j.out <- r
			}
		}()
	}
	go func() {
		for in := range inputs {
			if ctx.Err() != nil {
				continue // drawn, so the walk still reports what it finds, but not read
			}
			out := make(chan FileResult, 1)
			pending <- out
			work <- job{in, out}
		}
		close(work)
		close(pending)
	}()
	for out := range pending {
		emit(<-out)
	}
}

// Inputs turns a list of inputs into the form Tree takes.
func Inputs(list []Input) iter.Seq[Input] { return slices.Values(list) }

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
	if in.Data != nil {
		return File(in.Path, in.Data, opts)
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
	// "onfigMap": a ConfigMap object, or an object of another kind that names one.
	found, whole, serr := scanFor(io.TeeReader(f, &text), [2]string{migrate.PrefilterWord, "onfigMap"}, buf)
	if serr != nil {
		serr.Path = in.Path
		return FileResult{Path: in.Path, Err: serr}
	}
	if !found[0] {
		r := FileResult{Path: in.Path}
		if !text.Found() {
			r.Findings = []migrate.Finding{emptyFinding()}
		}
		if found[1] {
			r.noteConfigUsers(f, whole, opts) // an object that names a ConfigMap a script may be in
			if whole == nil || bytes.Contains(whole, []byte("ConfigMap")) {
				r.keepConfigMapText(f, whole, info) // a ConfigMap another file's workload may run
			}
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
		r = File(in.Path, data, opts) // read again: checked again
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

// scanFor reports whether r contains each of words, reading it through buf in chunks. When r
// fits in buf, whole is its content (in buf), so that it need not be read again. It also
// rejects content that is not text (a NUL byte, invalid UTF-8), naming the line.
func scanFor(r io.Reader, words [2]string, buf []byte) (found [2]bool, whole []byte, _ *Error) {
	word := words[0] // the longer, for the bytes carried from chunk to chunk
	if len(words[1]) > len(word) {
		word = words[1]
	}
	carry := 0 // bytes at the start of buf kept from the previous chunk: a word or a rune split across chunks
	line := 1
	for first := true; ; first = false {
		n, err := io.ReadFull(r, buf[carry:])
		eof := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !eof {
			return found, nil, &Error{Msg: err.Error()}
		}
		chunk := buf[:carry+n]
		for i, w := range words {
			found[i] = found[i] || bytes.Contains(chunk, []byte(w))
		}
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
			return found, nil, cerr // the incomplete rune cut off holds no NUL
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
