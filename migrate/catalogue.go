package migrate

import "strings"

// catalogue is the built-in catalogue extended by the options.
type catalogue struct {
	images []imageRule
	names  []nameRule
}

func newCatalogue(opts Options) catalogue {
	// A copy: trimming below must not write to the shared built-in catalogue, which every
	// worker reads.
	c := catalogue{images: append([]imageRule(nil), builtinImages...), names: builtinNames}
	if len(opts.Sidecars.Images) > 0 {
		extra := img("config-image", High, "An image listed in the configuration.", opts.Sidecars.Images...)
		// Configured entries come first so they win over a Low built-in entry such as nginx.
		c.images = append([]imageRule{extra}, c.images...)
	}
	if len(opts.Sidecars.Names) > 0 {
		extra := names("config-name", High, "A name listed in the configuration.", opts.Sidecars.Names...)
		c.names = append([]nameRule{extra}, c.names...)
	}
	for i := range c.images {
		c.images[i].repos = trimAll(c.images[i].repos)
	}
	return c
}

func trimAll(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, strings.Trim(strings.TrimSpace(s), "/"))
	}
	return out
}
