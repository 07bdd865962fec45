package kio

import (
	"os"

	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// The ConfigMaps that cannot hold a script count only for their names, when a workload's
// script is looked for across files: so they are parsed then, and only then, from the files
// read again (most runs have no such workload, and many ConfigMaps).

// indexOthers adds the ConfigMaps of the files noted as others to the index.
func (c *configRepo) indexOthers() {
	for _, o := range c.others {
		texts := o.texts
		if texts == nil {
			data, err := os.ReadFile(o.path)
			if err != nil {
				c.unread = append(c.unread, unreadAt{path: o.path}) // nil: may define any name
				continue
			}
			for _, d := range yamldoc.Decode(o.path, data).Docs() {
				if migrate.MayHoldConfigMap(d.Content) && !mayHoldScript(d.Content) {
					texts = append(texts, d)
				}
			}
		}
		for _, d := range texts {
			doc, err := d.Parse()
			if err != nil {
				c.unread = append(c.unread, unreadAt{o.path, d.Content})
				continue
			}
			if doc == nil {
				continue
			}
			for _, cm := range migrate.ConfigMapDocs(doc) {
				c.addMap(o.path, o.held, cm)
			}
		}
	}
	c.others = nil
}

// addMap adds a ConfigMap of the file at path (held[held], or -1) to the index.
func (c *configRepo) addMap(path string, held int, cm migrate.ConfigMapDoc) {
	if c.byName == nil {
		c.byName = map[string][]configMapAt{}
	}
	c.byName[cm.Name] = append(c.byName[cm.Name], configMapAt{path, held, cm})
}

// pendingRuns reports whether a held workload's script is looked for in other files.
func (c *configRepo) pendingRuns() bool {
	for _, r := range c.held {
		if r.config != nil && len(r.config.runs) > 0 {
			return true
		}
	}
	return false
}
