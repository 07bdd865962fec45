package main

import (
	"encoding/json"
	"io"
	"path/filepath"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// The subset of SARIF 2.1.0 that report writes: one run, the catalogue as rules, and
// results with physical locations. Checked against the official SARIF 2.1.0 JSON schema in
// the tests.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
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
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string      `json:"id"`
	Name                 string      `json:"name"`
	ShortDescription     sarifText   `json:"shortDescription"`
	FullDescription      sarifText   `json:"fullDescription"`
	Help                 sarifText   `json:"help"`
	HelpURI              string      `json:"helpUri"`
	DefaultConfiguration sarifConfig `json:"defaultConfiguration"`
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
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

var sarifLevels = map[migrate.Severity]string{migrate.Info: "note", migrate.Warning: "warning", migrate.Error: "error"}

func writeSARIF(w io.Writer, files []fileFindings, sum summary) error {
	index := map[string]int{}
	driver := sarifDriver{Name: "sidecar-migrate", Version: toolVersion(), InformationURI: projectURL, Rules: []sarifRule{}}
	for _, r := range append(migrate.Rules(), inputErrorRule) {
		index[r.ID] = len(driver.Rules)
		level := "note"
		if !r.Evidence {
			level = "warning"
		}
		driver.Rules = append(driver.Rules, sarifRule{
			ID: r.ID, Name: ruleName(r.ID),
			ShortDescription:     sarifText{r.Summary},
			FullDescription:      sarifText{r.Summary + " Matches: " + r.Matches + "."},
			Help:                 sarifText{"See the rule table in the sidecar-migrate README; silence it on a workload with the annotation sidecar-migrate.io/ignore: " + r.ID + "."},
			HelpURI:              projectURL + "#rules",
			DefaultConfiguration: sarifConfig{level},
		})
	}
	inv := sarifInvocation{ExecutionSuccessful: sum.failed == 0 && !sum.interrupted}
	run := sarifRun{Tool: sarifTool{driver}, Results: []sarifResult{}}
	for _, f := range files {
		for _, x := range f.findings {
			if f.path == "" { // about the whole run
				inv.ToolConfigurationNotifications = append(inv.ToolConfigurationNotifications, sarifNotification{
					AssociatedRule: sarifRuleRef{x.Rule, index[x.Rule]}, Level: sarifLevels[x.Severity], Message: sarifText{x.Message}})
				continue
			}
			run.Results = append(run.Results, sarifResult{RuleID: x.Rule, RuleIndex: index[x.Rule], Level: sarifLevels[x.Severity],
				Message: sarifText{findingText(x)}, Locations: location(f.path, x.Line, x.Column)})
		}
		if f.err != nil {
			run.Results = append(run.Results, sarifResult{RuleID: inputErrorRule.ID, RuleIndex: index[inputErrorRule.ID], Level: "error",
				Message: sarifText{f.err.Error()}, Locations: location(f.path, 0, 0)})
		}
	}
	run.Invocations = []sarifInvocation{inv}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

// projectURL is the project's home, where the README's rule table is.
const projectURL = "https://github.com/sidecar-migrate/sidecar-migrate"

// inputErrorRule is the rule of a file that could not be processed.
var inputErrorRule = migrate.Rule{ID: "input-error", Matches: "a file that cannot be read or parsed", Summary: "The file could not be processed and was left as it was."}

func findingText(x migrate.Finding) string {
	s := x.Resource.String()
	if x.Container != "" {
		s += " container " + x.Container
	}
	return s + ": " + x.Message
}

func location(path string, line, col int) []sarifLocation {
	if path == "" || path == stdinName {
		return nil
	}
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: filepath.ToSlash(path)}}}
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
