// Package migrate decides, for one Kubernetes document, which legacy sidecars (helper
// containers listed in a pod's containers) become native sidecars (initContainers with
// restartPolicy: Always), and which Job workarounds that only a legacy sidecar needed go
// with them. It works on the parsed *yaml.Node of a document and nothing else: no files,
// no flags, no printing; package kio reads and writes files around it, and package
// kio/splice writes the edited tree back byte for byte.
//
// A document goes through four steps:
//
//   - detect: every pod template (workloads, CronJobs, Lists, and kinds named in
//     Options.PodTemplatePaths) is found, and each container is weighed as a sidecar by
//     evidence: annotations, the image and name catalogue (catalogue_entries.go), probes,
//     behaviour.
//   - propose: workaround families (proposal.go) read the pod and return Proposals, data
//     that say which edits remove a workaround (a shutdown call, kubexit, an exit flag
//     file, a wrapper...) and what that releases; they never edit the tree themselves.
//     Scripts are read and cut through package migrate/shell.
//   - gate: the lifetime gate (gate.go) lets a container move only when it is shown to run
//     one long-lived program once the accepted edits are made; the checks (vetmoves.go:
//     standalone programs, one-shot switches not shown, start order; impact.go,
//     autoscaler.go) hold back moves that something else in the document depends on.
//   - commit: the accepted edits and moves are made on a copy; CheckOutcome checks the
//     result, and every decision is a Finding with its rule.
//
// Anything that cannot be proven is reported as a finding and left as it is.
//
// The entry points: Migrate(doc, opts) edits doc in place and returns its Result
// (findings, stats, the containers moved). Decide and Decision.Apply are the same in two
// halves, so that a caller can take the document's layout between them. Options (the
// `--config` file and the KRM functionConfig) tune it; its zero value is the default.
//
// ExampleMigrate shows one move and its finding.
//
// Every rule a finding names is declared once, with its kind, in the file that emits it
// and registered in package migrate/rule; `sidecar-migrate rules` lists them with their
// ids (and `rules --markdown` writes the README's table). Golden cases in testdata/*.txtar
// pin each rule's edits and refusals.
package migrate
