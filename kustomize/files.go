package kustomize

import (
	"fmt"
	"os"
	"sort"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The plan keeps no parsed resource file: it reads a workload's file again when it replays
// the patches that reach it, and keeps only the last file read, before and after its
// migration. decide takes the workloads file by file, so each file is read once a round.
type fileCache struct {
	file     string
	data     []byte
	before   []kio.Document
	err      error // reading or parsing the file
	after    []kio.Document
	afterErr error // migrating it
	migrated bool  // after and afterErr are set
}

// load makes file the cached one.
func (p *Plan) load(file string) {
	c := &p.cache
	if c.file == file {
		return
	}
	*c = fileCache{file: file}
	data, err := os.ReadFile(file)
	if err == nil {
		c.data = data
		c.before, err = kio.ParseWorkloads(file, data)
	}
	c.err = err
}

// forget drops the migration of a file whose skip list changed.
func (p *Plan) forget(file string) {
	if p.cache.file == file {
		p.cache.after, p.cache.afterErr, p.cache.migrated = nil, nil, false
	}
}

// node returns the workload as it is in its file.
func (p *Plan) node(w *Workload) (*yaml.Node, error) {
	p.load(w.File)
	if p.cache.err != nil {
		return nil, p.cache.err
	}
	return pick(p.cache.before, w)
}

// afterNode returns the workload as the migration of its file (with the file's refused
// workloads skipped) writes it, or the error that keeps the file from being migrated.
func (p *Plan) afterNode(w *Workload) (*yaml.Node, error) {
	p.load(w.File)
	c := &p.cache
	if c.err != nil {
		return nil, c.err
	}
	if !c.migrated {
		c.migrated = true
		opts := p.opts
		opts.Skip = p.skipList(w.File)
		r := kio.File(w.File, c.data, opts)
		err := r.Err
		switch {
		case err != nil:
		case !r.Changed():
			c.after = c.before // the same bytes: the same documents, which the plan only reads
		default:
			c.after, err = kio.ParseWorkloads(w.File, r.After)
		}
		c.afterErr = err
	}
	if c.afterErr != nil {
		return nil, c.afterErr
	}
	return pick(c.after, w)
}

// pick returns the workload's object among the documents of its file.
func pick(docs []kio.Document, w *Workload) (*yaml.Node, error) {
	if w.Doc >= len(docs) {
		return nil, fmt.Errorf("%s has fewer documents than when it was first read", w.File)
	}
	n := docs[w.Doc].Node
	if w.Item >= 0 {
		list := items(get(n, "items"))
		if w.Item >= len(list) {
			return nil, fmt.Errorf("%s has fewer items than when it was first read", w.File)
		}
		n = list[w.Item]
	}
	return n, nil
}

// byFile sorts workloads by file and position, the order in which decide reads them.
func byFile(ws []*Workload) {
	sort.Slice(ws, func(i, j int) bool {
		a, b := ws[i], ws[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Doc != b.Doc {
			return a.Doc < b.Doc
		}
		return a.Item < b.Item
	})
}
