package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
)

// interrupt records that SIGINT or SIGTERM arrived. The run then stops taking new files and
// stops git: each file is written whole or not at all, so the tree holds old and new files
// only. A second signal exits at once, as soon as the file being written is done.
type interrupt struct {
	atomic.Bool
	ctx context.Context // cancelled at the first signal
	// writing is held while a file is written, so that a second signal waits for it.
	writing sync.Mutex
	stop    func()
}

func onInterrupt(stderr io.Writer) *interrupt {
	ctx, cancel := context.WithCancel(context.Background())
	in := &interrupt{ctx: ctx}
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
		case <-done:
			return
		}
		in.Store(true)
		cancel()
		select {
		case <-ch:
		case <-done:
			return
		}
		in.writing.Lock() // never released: the process ends
		fmt.Fprintln(stderr, "sidecar-migrate: interrupted twice: stopped at once; every file is its old or its new self")
		os.Exit(exitFailed)
	}()
	in.stop = func() {
		signal.Stop(ch)
		close(done)
		cancel()
	}
	return in
}

// write runs fn, which writes one file, so that a second signal lets it finish.
func (in *interrupt) write(fn func()) {
	in.writing.Lock()
	defer in.writing.Unlock()
	fn()
}

// interrupt returns the command's signal handling, or a new one for this run with its stop.
func (g *globalOptions) interrupt(stderr io.Writer) (*interrupt, func()) {
	if g.signals != nil {
		return g.signals, func() {}
	}
	in := onInterrupt(stderr)
	return in, in.stop
}
