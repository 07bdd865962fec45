// Package kustomize migrates a repository of kustomizations as a whole. Migrating a base
// alone breaks its overlays: a strategic-merge patch that names a sidecar under containers
// then creates a second, image-less container, and a JSON 6902 patch on
// /spec/template/spec/containers/1 edits whatever container now sits there.
//
// Plan finds every kustomization under some paths, follows resources, components and
// patches to the workloads they reach, and decides per base workload: the migration of the
// base goes together with the edits of every patch that reaches it (entries moved to
// initContainers, JSON 6902 paths re-pointed), or, when a patch cannot follow (a label
// selector, a replacement, a $patch directive on a moved container, a patch shared by
// workloads with different layouts), the workload is left unmigrated and the reason
// reported. Each decision is checked by replaying the patches on the workload before and
// after, with the same strategic merge as kustomize, so that building an overlay after the
// migration gives the migration of what it built before. That merge is kyaml's, or, for the
// shapes of a workload's patches, fastMerge (smp.go), which gives kyaml's result node for
// node at a small part of its cost; the analysis of the workloads runs on every core.
//
// Verify proves it with the real kustomize binary: it builds every kustomization root
// before and after the files are written and compares the results as parsed trees.
package kustomize
