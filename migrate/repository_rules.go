package migrate

import "github.com/sidecar-migrate/sidecar-migrate/migrate/rule"

// Ids of the checks that the kustomize pass reports when a repository is migrated as a
// whole: the base's move and the overlays' patches go together, or not at all.
const (
	RuleKustomizePatch   = "kustomize-patch"
	RuleKustomizeRefused = "kustomize-refused"
	RuleKustomizeRemote  = "kustomize-remote"
	RuleKustomizeMissing = "kustomize-missing"
	RuleKustomizeVerify  = "kustomize-verify"
)

// The kustomize pass's checks.
var _ = rule.Register(rule.Repository,
	Rule{ID: RuleKustomizePatch, Matches: "a kustomize patch that reaches a moved container", Summary: "The patch follows its base: its entry moves to initContainers, its JSON 6902 path to the container's new index."},
	Rule{ID: RuleKustomizeRefused, Matches: "a patch, replacement or overlay that cannot follow a move", Summary: "The base's workload is left unmigrated, so every overlay still builds what it built."},
	Rule{ID: RuleKustomizeRemote, Matches: "a remote base or resource (a URL) in a kustomization", Summary: "Remote bases are not migrated; migrate them where they live."},
	Rule{ID: RuleKustomizeMissing, Matches: "a resource, component or patch that a kustomization names and that does not exist, in it or in a kustomization it includes", Summary: "kustomize build fails on it before and after; nothing its patches could address the containers of is moved."},
	Rule{ID: RuleKustomizeVerify, Matches: "apply --verify-kustomize: a root whose build after is not the migration of its build before", Summary: "The root's files are rolled back and the command exits 2."},
)
