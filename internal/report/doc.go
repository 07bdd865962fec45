// Package report writes what a run found: the findings of each file as text for a person,
// JSON for a program, or SARIF 2.1.0 for code-scanning pages, and the rule catalogue as a
// table or as the README's Markdown.
//
// Every writer takes the same input: the files in the order of the run, each with its
// findings (and the error that stopped it, if any), and the run's [Summary]. The rule
// catalogue comes from [migrate.Rules], so a rule added there appears in `rules`, the README
// table and SARIF's rule list without a change here:
//
//	files := []report.File{{Path: "deploy/job.yaml", Findings: res.Findings}}
//	err := report.Write(os.Stdout, "sarif", files, sum, report.Tool{Version: "v1.2.0", Root: root})
package report
