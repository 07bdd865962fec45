// Package rule is the one registry of sidecar-migrate's rules: every detection rule, check,
// workaround, input check and repository check is declared once, registered once, and known
// to everything that names rules from there: the `rules` command and its Markdown (the
// README's table), SARIF's rule list, the README anchors of findings, and the validation of
// `disableRules` and ignore annotations.
//
// A family of rules declares its rules as values and registers them with their kind:
//
//	var (
//		ruleShutdownCall = rule.Rule{ID: "hack-shutdown-call", Matches: "...", Summary: "..."}
//		hackRules        = rule.Register(rule.Workaround, ruleShutdownCall)
//	)
//
// Register panics on a rule without id, matches or summary, on an id registered twice, and
// on an id that is not lower-case words joined by hyphens: these are programming errors, and
// the package's tests (which register every rule) catch them. [CheckID] turns an unknown id
// into an error naming the nearest registered one.
package rule
