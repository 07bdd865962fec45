package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/kio"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
)

// The subset of SARIF 2.1.0 that report writes: one run, the catalogue as rules, and
// results with physical locations. Checked against the official SARIF 2.1.0 JSON schema in
// the tests.

// SARIFLog is the document SARIF writes.
type SARIFLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactURI `json:"originalUriBaseIds,omitempty"`
	Invocations        []sarifInvocation           `json:"invocations"`
	Results            []sarifResult               `json:"results"`
}

// sarifInvocation holds the findings about the run rather than a file (the target version):
// code-scanning pages need a location for every result, so they are notifications about
// the tool's configuration.
type sarifInvocation struct {
	ExecutionSuccessful            bool                `json:"executionSuccessful"`
	ToolConfigurationNotifications []sarifNotification `json:"toolConfigurationNotifications,omitempty"`
}

type sarifNotification struct {
	AssociatedRule sarifRuleRef `json:"associatedRule"`
	Level          string       `json:"level"`
	Message        sarifText    `json:"message"`
}

type sarifRuleRef struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []SARIFRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

// sarifMessage is a multiformatMessageString: text, and the same in Markdown.
type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

// SARIFRule is a reportingDescriptor: one rule of the catalogue.
type SARIFRule struct {
	ID                   string       `json:"id"`
	Name                 string       `json:"name"`
	ShortDescription     sarifText    `json:"shortDescription"`
	FullDescription      sarifText    `json:"fullDescription"`
	Help                 sarifMessage `json:"help"`
	HelpURI              string       `json:"helpUri"`
	DefaultConfiguration sarifConfig  `json:"defaultConfiguration"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
	// PartialFingerprints identify a result across runs whatever its line, so code scanning
	// keeps one alert while lines above it change.
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	// Suppressions carry the reason of an ignore annotation (report --show-ignored), so code
	// scanning shows the result as dismissed in source.
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifArtifactURI struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

var sarifLevels = map[migrate.Severity]string{migrate.Info: "note", migrate.Warning: "warning", migrate.Error: "error"}

// SARIF writes the findings as a SARIF 2.1.0 log with one run: the catalogue as its rules,
// each finding a result at its file and line, the findings about the whole run as
// notifications, and ignored findings as suppressed results.
func SARIF(w io.Writer, files []File, sum Summary, tool Tool) error {
	index := map[string]int{}
	driver := sarifDriver{Name: "sidecar-migrate", Version: tool.Version, InformationURI: ProjectURL, Rules: []SARIFRule{}}
	for _, r := range rule.All() {
		index[r.ID] = len(driver.Rules)
		level := "note"
		if r.Kind != rule.Evidence {
			level = "warning"
		}
		driver.Rules = append(driver.Rules, SARIFRule{
			ID: r.ID, Name: ruleName(r.ID),
			ShortDescription:     sarifText{r.Summary},
			FullDescription:      sarifText{r.Summary + " Matches: " + r.Matches + "."},
			Help:                 ruleHelp(r),
			HelpURI:              ProjectURL + "#" + r.Anchor(),
			DefaultConfiguration: sarifConfig{level},
		})
	}
	inv := sarifInvocation{ExecutionSuccessful: sum.Failed == 0 && !sum.Interrupted}
	base := tool.Root
	run := sarifRun{Tool: sarifTool{driver}, Results: []sarifResult{},
		OriginalURIBaseIDs: map[string]sarifArtifactURI{SrcRoot: {URI: (&url.URL{Scheme: "file", Path: filepath.ToSlash(base) + "/"}).String()}}}
	prints := fingerprints{}
	for _, f := range files {
		for _, x := range f.Findings {
			if f.Path == "" { // about the whole run
				inv.ToolConfigurationNotifications = append(inv.ToolConfigurationNotifications, sarifNotification{
					AssociatedRule: sarifRuleRef{x.Rule, index[x.Rule]}, Level: sarifLevels[x.Severity], Message: sarifText{x.Message}})
				continue
			}
			res := sarifResult{RuleID: x.Rule, RuleIndex: index[x.Rule], Level: sarifLevels[x.Severity],
				Message: sarifText{findingText(x)}, Locations: location(base, tool.Stdin, f.Path, x.Line, x.Column),
				PartialFingerprints: prints.of(x.Rule, f.Path, x.Resource.String(), x.Container, x.Field)}
			if x.Ignored != "" {
				res.Suppressions = []sarifSuppression{{Kind: "inSource", Justification: x.Ignored}}
			}
			run.Results = append(run.Results, res)
		}
		if f.Err != nil {
			line, col, msg := 1, 0, f.Err.Error() // a file-level error points at the file's first line
			var e *kio.Error
			if errors.As(f.Err, &e) && e.Line > 0 {
				line, col = e.Line, e.Column
			}
			run.Results = append(run.Results, sarifResult{RuleID: migrate.RuleInputError, RuleIndex: index[migrate.RuleInputError], Level: "error",
				Message: sarifText{msg}, Locations: location(base, tool.Stdin, f.Path, line, col),
				PartialFingerprints: prints.of(migrate.RuleInputError, f.Path)})
		}
	}
	run.Invocations = []sarifInvocation{inv}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(SARIFLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

func findingText(x migrate.Finding) string {
	s := x.Resource.String()
	if x.Container != "" {
		s += " container " + x.Container
	}
	return s + ": " + x.Message
}

// location is where a result points: its file relative to %SRCROOT% (the repository root,
// or the current folder outside a repository) and its line. A file outside that root gets an
// absolute file: URI, never a "../" one.
func location(base, stdin, path string, line, col int) []sarifLocation {
	if path == "" || path == stdin {
		return nil
	}
	art := sarifArtifact{}
	abs, err := filepath.Abs(path)
	rel, rerr := filepath.Rel(base, abs)
	switch {
	case err != nil:
		art.URI = (&url.URL{Path: filepath.ToSlash(path)}).String()
	case rerr != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)):
		art.URI = (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	default:
		art.URI, art.URIBaseID = (&url.URL{Path: filepath.ToSlash(rel)}).String(), SrcRoot
	}
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: art}}
	if line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: line, StartColumn: col}
	}
	return []sarifLocation{loc}
}

// ruleName turns a rule id into the PascalCase name SARIF viewers show.
func ruleName(id string) string {
	out, up := []byte{}, true
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case c == '-':
			up = true
		case up && c >= 'a' && c <= 'z':
			out, up = append(out, c-'a'+'A'), false
		default:
			out, up = append(out, c), false
		}
	}
	return string(out)
}

// SrcRoot is the uriBaseId of the files' URIs: code scanning resolves it to the checkout.
const SrcRoot = "%SRCROOT%"

// fingerprints makes the partialFingerprints of results from what identifies them apart from
// their line: the rule, the file, the object, the container and the field; the second result
// with the same identity gets an ordinal.
type fingerprints map[string]int

func (f fingerprints) of(parts ...string) map[string]string {
	key := strings.Join(parts, "\x00")
	f[key]++
	if n := f[key]; n > 1 {
		key += "\x00" + strconv.Itoa(n)
	}
	sum := sha256.Sum256([]byte(key))
	return map[string]string{"sidecarMigrate/v1": hex.EncodeToString(sum[:16])}
}

// ruleHelp is a rule's help: what it matches, what it means, and what to do.
func ruleHelp(r rule.Rule) sarifMessage {
	todo := r.HelpText()
	silence := "To silence it on one workload, annotate it `ignore.sidecar-migrate.io/" + r.ID + ": \"reason\"`; to pin a container, list it in `sidecar-migrate.io/keep`."
	text := r.Summary + " Matches: " + r.Matches + ". " + todo + " " + silence
	md := "**" + r.ID + "** (" + r.ConfidenceText() + ")\n\n" + r.Summary + "\n\nMatches: " + r.Matches + ".\n\n" + todo + "\n\n" + silence
	return sarifMessage{Text: strings.ReplaceAll(text, "`", ""), Markdown: md}
}
