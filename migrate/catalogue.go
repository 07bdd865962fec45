package migrate

import (
	"path"
	"strings"
	"sync"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
)

// catalogue is the built-in catalogue extended by the options.
type catalogue struct {
	images []imageRule
	names  []nameRule
}

// imageRule recognises a container by the repository path of its image.
type imageRule struct {
	Rule
	// repos are repository paths, matched as whole trailing path segments: a path of one
	// segment names the software under any organisation or mirror ("jaeger-agent" matches
	// registry.example/sourcegraph/jaeger-agent), a longer one is kept for names too generic
	// to stand alone ("grafana/agent"). A segment may be a path.Match pattern ("*-exporter").
	repos []string
	// needArgs must all be words of command or args: the vault, thanos and opa images also
	// run servers; only `vault agent`, `thanos sidecar` and `opa run --server` are sidecars.
	needArgs []string
	// needsApp makes the rule count only beside a container that is plainly the app, and not
	// for a container that carries the workload's own name: an exporter next to nothing but
	// sidecars, or in a Deployment named redis-exporter, is the app.
	needsApp bool
}

// nameRule recognises a container by its name, using path.Match patterns.
type nameRule struct {
	Rule
	patterns []string
}

// The rules created from the options: registered like the built-in ones, so that `rules`
// and SARIF's rule list name them.
var (
	ruleConfigImage = Rule{ID: "config-image", Confidence: High, Matches: "an image listed in the configuration's sidecars.images", Summary: "An image listed in the configuration."}
	ruleConfigName  = Rule{ID: "config-name", Confidence: High, Matches: "a name listed in the configuration's sidecars.names", Summary: "A name listed in the configuration."}
)

// The catalogue's evidence, registered in the order that `rules` lists it: annotations and
// behaviour, images, names, then the configuration's and the pod context's.
var _ = rule.Register(rule.Evidence, catalogueEvidence()...)

func catalogueEvidence() []Rule {
	rules := []Rule{ruleAnnotationSidecars, ruleRestartPolicy, ruleTailFollow}
	for _, r := range builtinImages {
		rules = append(rules, r.Rule)
	}
	for _, r := range builtinNames {
		rules = append(rules, r.Rule)
	}
	return append(rules, ruleConfigImage, ruleConfigName, ruleContextProxy)
}

// builtinCatalogue is the built-in catalogue with its repository paths trimmed, built once:
// every document of a run reads it, and nothing writes to it (newCatalogue puts the
// configured entries in a new slice in front of it).
var builtinCatalogue = sync.OnceValue(func() catalogue {
	images := append([]imageRule(nil), builtinImages...)
	for i := range images {
		images[i].repos = trimAll(images[i].repos)
	}
	return catalogue{images: images, names: builtinNames}
})

// newCatalogue returns the catalogue for opts: the built-in one, after the configuration's
// entries when it has any. Only what opts holds is built here, so no cache keyed on the
// options is needed, and configurations with different rules never share a catalogue.
func newCatalogue(opts Options) catalogue {
	c := builtinCatalogue()
	if len(opts.Sidecars.Images) > 0 {
		// Configured entries come first so they win over a Low built-in entry such as nginx.
		// Matched like the built-in paths: a configured reference that names its registry or
		// tag (registry.example.com/platform/envoy-sidecar:1) matches its repository path.
		var repos []string
		for _, ref := range trimAll(opts.Sidecars.Images) {
			repos = append(repos, repository(ref))
		}
		c.images = append([]imageRule{{Rule: ruleConfigImage, repos: trimAll(repos)}}, c.images...)
	}
	if len(opts.Sidecars.Names) > 0 {
		c.names = append([]nameRule{{Rule: ruleConfigName, patterns: opts.Sidecars.Names}}, c.names...)
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

// sw builds a catalogue entry for a piece of software, documented at source.
func sw(id string, c Confidence, summary, source string, repos ...string) imageRule {
	return imageRule{Rule: Rule{ID: id, Confidence: c, Matches: "image " + strings.Join(repos, ", "), Summary: summary, Source: source}, repos: repos}
}

// withArgs makes an entry match only when every word of args is on the command line.
func (r imageRule) withArgs(args ...string) imageRule {
	r.needArgs = args
	r.Matches += " with `" + strings.Join(args, " ") + "` in command or args"
	return r
}

// besideApp makes an entry count only beside a plain app container (see needsApp).
func (r imageRule) besideApp() imageRule {
	r.needsApp = true
	r.Matches += ", beside a plain app and not named like the workload"
	return r
}

func names(id string, c Confidence, summary, source string, patterns ...string) nameRule {
	return nameRule{Rule: Rule{ID: id, Confidence: c, Matches: "name " + strings.Join(patterns, ", "), Summary: summary, Source: source}, patterns: patterns}
}

// matchRepo reports whether repo ends with the whole path segments of want, the last of
// which may be a pattern.
func matchRepo(repo, want string) bool {
	if repo == want || (strings.HasSuffix(repo, want) && len(repo) > len(want) && repo[len(repo)-len(want)-1] == '/') {
		return true
	}
	if !strings.Contains(want, "*") {
		return false
	}
	tail, ok := lastSegments(repo, strings.Count(want, "/")+1)
	if !ok {
		return false
	}
	ok, _ = path.Match(want, tail)
	return ok
}

// lastSegments returns the last n segments of a slash-separated path, and false when it has
// fewer.
func lastSegments(s string, n int) (string, bool) {
	end := len(s)
	for k := 0; k < n; k++ {
		i := strings.LastIndexByte(s[:end], '/')
		if i < 0 {
			return s, k == n-1
		}
		end = i
	}
	return s[end+1:], true
}

func (r imageRule) match(c container) bool {
	repo := c.repo
	if repo == "" {
		repo = repository(c.image)
	}
	for _, want := range r.repos {
		if matchRepo(repo, want) {
			for _, a := range r.needArgs {
				if !c.hasWord(a) {
					return false
				}
			}
			return true
		}
	}
	return false
}

func (r nameRule) match(name string) bool {
	for _, p := range r.patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

// software returns the last segment of an image's repository path, the name of the software
// whatever organisation or mirror serves it, with "_" read as "-".
func software(image string) string {
	return strings.ReplaceAll(path.Base(repository(image)), "_", "-")
}
