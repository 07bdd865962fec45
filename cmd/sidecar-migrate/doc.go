// Command sidecar-migrate moves Kubernetes legacy sidecars (helper containers in a pod's
// containers) to native sidecars (initContainers with restartPolicy: Always), keeping the
// manifests' comments and formatting, and shows every change as a unified diff.
//
// Usage:
//
//	sidecar-migrate diff [PATH...]     # dry run: the diff on stdout, findings on stderr
//	sidecar-migrate apply [PATH...]    # rewrite changed files in place, atomically
//	sidecar-migrate fn                 # KRM function: a ResourceList on stdin and stdout
//	sidecar-migrate report [PATH...]   # findings only, as text, JSON or SARIF
//	sidecar-migrate rules              # the rules, with their ids
//	sidecar-migrate version
//
// PATH is a file or a folder (walked for *.yaml, *.yml and *.json); "-", or a non-empty
// pipe with no PATH, reads standard input. Exit status: 0 done; 1 changes pending under
// --exit-code, or a failed KRM function; 2 bad usage, or an input that could not be processed.
// `sidecar-migrate COMMAND --help` and the README describe every flag.
//
// The command is a thin driver over the library packages: flags and the --config file
// become migrate.Options (root.go); engine.go chooses the inputs (kio's walk, or standard
// input) and, for a repository of kustomizations, the kustomize plan, and hands every
// file's kio.FileResult, in input order, to the command: diff prints it with kio/udiff,
// apply writes it with kio.WriteFile after the git guard (dirty.go, kio/gitguard), report
// prints the findings with internal/report. fn.go runs the same migration over the items
// of a KRM ResourceList. The end-to-end tests are testscript files in
// testdata/script/*.txtar.
package main
