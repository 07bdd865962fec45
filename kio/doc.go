// Package kio is the pipeline of sidecar-migrate, in kyaml's sense: inputs, the migration as
// the filter, outputs. The command, the KRM function and the tests all go through it.
//
// Inputs are files found by Walk or Collect (a Filter of globs selects them; a Helm chart's
// templates are marked and skipped), or standard input, an Input with Data. Each file goes
// through File: the input checks (binary content, UTF-8, template actions, keys set twice,
// alias bombs: badinput.go and kio/yamldoc), the documents split and parsed with positions
// (kio/yamldoc), migrate.Decide on each document that may hold a pod, and the edited
// document written back byte for byte around its changes (kio/splice). The outcome is a
// FileResult: Before, After, Findings, Stats.
//
// Tree runs File over many inputs with a pool of workers and emits the results in input
// order. A Planner (the kustomize package's Plan) completes each input before it is read and
// each result after, and gives the results of files the walk does not reach. After the
// files, the cross-file step reports autoscalers that name a container moved in another
// file:
//
//	kio.Tree(ctx, kio.Inputs(inputs), 0, opts, nil, kio.Emit{
//		File:     func(r kio.FileResult) { os.Stdout.Write(r.Diff()) },
//		Findings: func(at string, f []migrate.Finding) { ... },
//	})
//
// A KRM function reads its input with ReadResourceList, which applies File's input checks
// and reads a large list in parts, a chunk of items at a time (rlsplit.go), migrates the
// items with ListItems (the same run findings and cross-file step as Tree, and the ConfigMap
// scripts of the list read as in one file), adds their results with ResourceList.AddResult,
// and writes the list back one item at a time with ResourceList.Encode.
//
// Outputs: WriteFile replaces a file atomically, only while it is still what was read;
// kio/udiff makes the unified diff; kio/gitguard tells each file's git state before a write.
// CheckInvariants states what every output must satisfy, for the fuzzers.
package kio
