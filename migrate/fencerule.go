package migrate

import "github.com/sidecar-migrate/sidecar-migrate/migrate/rule"

// RuleCommentFenceSplit is reported by the file layer, which sees comments as lines: a pod
// is left alone when moving one of its sidecars would part a pair of fence comments
// ("# BEGIN x" ... "# END x", "# [START x]" ... "# [END x]").
const RuleCommentFenceSplit = "comment-fence-split"

var (
	ruleFenceSplit = Rule{ID: RuleCommentFenceSplit, Matches: "a sidecar whose move would part a BEGIN/END or START/END comment pair",
		Summary: "A script that cuts what lies between the pair would cut the app; the pod is left alone."}
	_ = rule.Register(rule.Check, ruleFenceSplit)
)
