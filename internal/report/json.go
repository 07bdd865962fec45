package report

import (
	"encoding/json"
	"io"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
)

// JSONReport is the JSON output of report. Its schema is stable: fields are only added.
type JSONReport struct {
	Version  int           `json:"version"` // 1
	Summary  JSONSummary   `json:"summary"`
	Findings []JSONFinding `json:"findings"`
}

// JSONSummary counts what the run did.
type JSONSummary struct {
	Files       int `json:"files"`
	Workloads   int `json:"workloads"`
	Sidecars    int `json:"sidecars"`
	Workarounds int `json:"workarounds"`
	Warnings    int `json:"warnings"`
	Errors      int `json:"errors"`
}

// JSONFinding is one finding, or a file's input error (rule input-error).
type JSONFinding struct {
	Rule       string `json:"rule"`
	Severity   string `json:"severity"`
	File       string `json:"file"`
	Line       int    `json:"line"`
	Column     int    `json:"column"`
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
	Container  string `json:"container"`
	Field      string `json:"field"`
	Message    string `json:"message"`
	Fix        bool   `json:"fix"`               // the migration changes the manifest for this finding
	Ignored    string `json:"ignored,omitempty"` // with --show-ignored: the reason of the ignore that silenced it
}

// JSON writes the findings as one JSON object (JSONReport), its schema stable: fields are only added.
func JSON(w io.Writer, files []File, sum Summary) error {
	r := JSONReport{Version: 1, Findings: []JSONFinding{}, Summary: JSONSummary{
		Files: sum.Files, Workloads: sum.Stats.Workloads, Sidecars: sum.Stats.Sidecars,
		Workarounds: sum.Stats.Workarounds, Warnings: sum.Warnings, Errors: sum.Failed}}
	for _, f := range files {
		for _, x := range f.Findings {
			r.Findings = append(r.Findings, JSONFinding{
				Rule: x.Rule, Severity: x.Severity.String(), File: f.Path, Line: x.Line, Column: x.Column,
				APIVersion: x.Resource.APIVersion, Kind: x.Resource.Kind, Namespace: x.Resource.Namespace, Name: x.Resource.Name,
				Container: x.Container, Field: x.Field, Message: x.Message, Fix: x.Fixed, Ignored: x.Ignored})
		}
		if f.Err != nil {
			r.Findings = append(r.Findings, JSONFinding{Rule: migrate.RuleInputError, Severity: "error", File: f.Path, Message: f.Err.Error()})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
