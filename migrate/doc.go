// Package migrate decides, for one Kubernetes object held as a *yaml.Node, which legacy
// sidecars (helper containers in spec.containers) become native sidecars
// (spec.initContainers with restartPolicy: Always), and which Job workarounds that only a
// legacy sidecar needed can go. It reads no files, parses no flags and prints nothing: the
// kio package feeds it documents and writes what it decided.
//
// The decision runs in steps. Detection finds the sidecars and the evidence for each
// (annotations, the image and name catalogue in catalogue_entries.go, probes, behaviour:
// rules.go, catalogue.go, workload.go). Workaround families (proposal.go lists them; one
// file each, such as hacks.go, flagfile.go, terminators.go) propose edits as data, never
// editing the tree; the shell scripts they read are parsed with mvdan.cc/sh (shell.go). One
// gate (gate.go, decide.go) accepts the proposals that are proven and moves the containers
// it lets go; checks (impact.go, autoscaler.go) report what the move changes elsewhere.
// Anything unproven is reported as a finding, never guessed.
//
// Decide returns the Decision for a document without changing it; Decision.Apply edits the
// tree, so that a caller can take the tree's layout first. Migrate does both:
//
//	res := migrate.Migrate(yaml.NewRNode(doc), migrate.Options{})
//	for _, f := range res.Findings {
//		fmt.Println(f)
//	}
//
// Every finding names a rule of the registry migrate/rule; `sidecar-migrate rules` lists
// them with their ids. Options (ParseOptions reads the file form) say which Kubernetes
// version is targeted, where the moved containers go, and which rules to leave out.
// RunFindings are the findings about the options of a whole run, and ContainerRefs and
// MovedSet feed the cross-file step about autoscalers.
package migrate
