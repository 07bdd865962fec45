package main

import (
	"encoding/json"
	"io"
)

// jsonReport is the JSON output of report. Its schema is stable: fields are only added.
type jsonReport struct {
	Version  int           `json:"version"` // 1
	Summary  jsonSummary   `json:"summary"`
	Findings []jsonFinding `json:"findings"`
}

type jsonSummary struct {
	Files       int `json:"files"`
	Workloads   int `json:"workloads"`
	Sidecars    int `json:"sidecars"`
	Workarounds int `json:"workarounds"`
	Warnings    int `json:"warnings"`
	Errors      int `json:"errors"`
}

type jsonFinding struct {
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

func writeJSON(w io.Writer, files []fileFindings, sum summary) error {
	r := jsonReport{Version: 1, Findings: []jsonFinding{}, Summary: jsonSummary{
		Files: sum.files, Workloads: sum.stats.Workloads, Sidecars: sum.stats.Sidecars,
		Workarounds: sum.stats.Workarounds, Warnings: sum.warnings, Errors: sum.failed}}
	for _, f := range files {
		for _, x := range f.findings {
			r.Findings = append(r.Findings, jsonFinding{
				Rule: x.Rule, Severity: x.Severity.String(), File: f.path, Line: x.Line, Column: x.Column,
				APIVersion: x.Resource.APIVersion, Kind: x.Resource.Kind, Namespace: x.Resource.Namespace, Name: x.Resource.Name,
				Container: x.Container, Field: x.Field, Message: x.Message, Fix: x.Fixed, Ignored: x.Ignored})
		}
		if f.err != nil {
			r.Findings = append(r.Findings, jsonFinding{Rule: "input-error", Severity: "error", File: f.path, Message: f.err.Error()})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
