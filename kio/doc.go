// Package kio carries manifests from the file system through the migration and back: it
// finds the files, migrates each one with package migrate, and writes the results. It is
// the pipeline the command, the KRM function and the tests use; the bytes-to-documents work
// is in kio/yamldoc, the byte-preserving renderer in kio/splice, the diff in kio/udiff and
// each file's git state in kio/gitguard.
//
// The steps, in the order a run takes them:
//
//   - Walk and Collect turn paths (files or folders, walked for *.yaml, *.yml and *.json,
//     hidden folders skipped) and a Filter (--include, --exclude) into Inputs, in a stable
//     lexical order.
//   - Run migrates the inputs with a bounded pool of workers and emits each FileResult in
//     input order; a file without the word "container" is not parsed.
//   - MigrateBytes migrates one file: the input checks, every document through
//     migrate.Migrate, the edited documents rendered into their original lines. A document
//     that needs no change comes back byte for byte; a file with an error is left as it was.
//     EditBytes and EditFile run the same loop with another edit, for files that must follow a
//     migration (kustomize patches). Autoscalers (crossfile.go) collects the autoscalers
//     that name a container moved in another file.
//   - WriteFile replaces a file atomically, keeping its owner, mode and extended attributes,
//     and refuses a file that changed since it was read (ErrChanged).
//
// A dry run over a folder:
//
//	inputs, errs := kio.Collect([]string{"deploy"}, kio.Filter{}) // errs name their paths
//	kio.Run(kio.Inputs(inputs), 0, migrate.Options{}, func(r kio.FileResult) {
//		os.Stdout.Write(r.Diff()) // nil when the file did not change
//	})
//
// CheckInvariants states what every output must satisfy (it parses, keeps what it did
// not change, needs no second migration); the fuzzer FuzzMigrate runs it on any input.
package kio
