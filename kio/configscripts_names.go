package kio

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// An object may name a ConfigMap by a plain value under any key (a Role's resourceNames, a
// custom resource's field, a reloader's annotation): migrate.ConfigMapNameUses finds those
// once the names are known. The names are those of the ConfigMaps whose script an edit is
// pending for: in one file, once its workloads are migrated; across files, at the end of
// the run, when every file has been seen. Only the files, and the documents, whose text
// holds one of the names are parsed for it; a run with no edit pending searches nothing.

// runFile is a file of the run, searched at its end for the names of the ConfigMaps whose
// script an edit is pending for: held[held], or (-1) emitted. A run records one per file,
// so it is kept small: the content of a file that is not on disk to be read again
// (standard input) is in configRepo.texts.
type runFile struct {
	path string
	held int
}

// addFile records a file of the run, emitted or held at index at.
func (c *configRepo) addFile(r FileResult, at int) {
	if r.Info == nil && r.Before != nil {
		if c.texts == nil {
			c.texts = map[int][]byte{}
		}
		c.texts[len(c.files)] = r.Before
	}
	c.files = append(c.files, runFile{path: r.Path, held: at})
}

// addNameUses adds to the uses of the run what, in its files, names a ConfigMap by a plain
// value, for the ConfigMaps whose script an edit is pending for.
func (c *configRepo) addNameUses() {
	names := map[string]bool{}
	for _, r := range c.held {
		if r.config != nil {
			for _, run := range r.config.runs {
				names[run.ConfigMap] = true
			}
		}
		if r.edited != nil {
			for _, run := range r.edited.runs {
				names[run.ConfigMap] = true
			}
		}
	}
	if len(names) == 0 {
		return
	}
	for i, f := range c.files {
		data := c.texts[i]
		if data == nil && f.held >= 0 {
			data = c.held[f.held].Before
		}
		if data == nil {
			var err error
			if data, err = os.ReadFile(f.path); errors.Is(err, fs.ErrNotExist) {
				continue // a file the run reports missing names nothing
			} else if err != nil {
				for name := range names {
					c.uses = append(c.uses, migrate.ConfigMapUse{ConfigMap: name, File: f.path, Unread: true})
				}
				continue
			}
		}
		for _, u := range nameUses(f.path, data, names, c.opts) {
			u.File = f.path
			c.uses = append(c.uses, u)
		}
	}
	c.files, c.texts = nil, nil
}

// nameUses returns what, in the documents of a file's data, names one of names by a plain
// value (migrate.ConfigMapNameUses). A document that holds a name
// and does not parse may name it: it counts as a use.
func nameUses(path string, data []byte, names map[string]bool, opts migrate.Options) []migrate.ConfigMapUse {
	if !namesAny(data, names) {
		return nil
	}
	var out []migrate.ConfigMapUse
	for _, d := range yamldoc.Decode(path, data).Docs() {
		if !namesAny(d.Content, names) {
			continue
		}
		doc, err := d.Parse()
		if err != nil {
			for name := range names {
				if bytes.Contains(d.Content, []byte(name)) {
					out = append(out, migrate.ConfigMapUse{ConfigMap: name,
						Field: fmt.Sprintf("a document that does not parse, at line %d,", d.Line)})
				}
			}
			continue
		}
		if doc == nil {
			continue
		}
		out = append(out, migrate.ConfigMapNameUses(doc, names, opts)...)
	}
	return out
}

// runNames returns the names of the ConfigMaps that runs read.
func runNames(runs []migrate.ConfigScriptRun) map[string]bool {
	names := map[string]bool{}
	for _, r := range runs {
		names[r.ConfigMap] = true
	}
	return names
}

// notGenerator returns uses without the entries of kustomizations' configMapGenerator: a
// generated ConfigMap's own definition, which generatedFor reads.
func notGenerator(uses []migrate.ConfigMapUse) []migrate.ConfigMapUse {
	var out []migrate.ConfigMapUse
	for _, u := range uses {
		if !strings.HasPrefix(u.Field, "configMapGenerator[") {
			out = append(out, u)
		}
	}
	return out
}
