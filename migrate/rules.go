package migrate

import (
	"strings"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/rule"
)

// Rule is a rule of the registry (package rule); Confidence is its confidence.
type (
	Rule       = rule.Rule
	Confidence = rule.Confidence
)

// The confidences. Only Medium and High evidence moves a container; Low is reported.
const (
	Low    = rule.Low
	Medium = rule.Medium
	High   = rule.High
)

// Rules that are not catalogue entries: evidence from annotations and behaviour, and checks.
var (
	ruleAnnotationSidecars = Rule{ID: "annotation-sidecars", Confidence: High, Matches: "annotation " + AnnotationSidecars, Summary: "The workload names these containers as sidecars."}
	ruleRestartPolicy      = Rule{ID: "behaviour-restart-policy", Confidence: High, Matches: "restartPolicy: Always on a regular container", Summary: "A hand-made attempt at a native sidecar; in containers it is invalid before 1.35 and means something else after."}
	ruleTailFollow         = Rule{ID: "behaviour-tail-follow", Confidence: Medium, Matches: "command `tail -f FILE` or `tail -F FILE`", Summary: "A log-streaming container that follows a file on a shared volume."}

	ruleSkip          = Rule{ID: "annotation-skip", Matches: "annotation " + AnnotationSkip, Summary: "The workload asked to be left alone."}
	ruleKeep          = Rule{ID: "annotation-keep", Matches: "annotation " + AnnotationKeep, Summary: "The workload asked to keep this container where it is."}
	ruleSingle        = Rule{ID: "single-container", Matches: "a pod template with one container", Summary: "The only container is the app, whatever it looks like."}
	ruleNoApp         = Rule{ID: "no-app-left", Matches: "every container looks like a sidecar", Summary: "Moving them all would leave no app container, so none is moved."}
	ruleOneShot       = Rule{ID: "one-shot-command", Matches: "a command that runs once (validate, -exit-after-auth, --one-time, migrate, backup; a program whose first argument is version, --version, help, --help, validate, check or --dry-run)", Summary: "A container that exits on its own is not a sidecar."}
	ruleNoImage       = Rule{ID: "no-image", Matches: "a container without image", Summary: "An override stub for an injector, not a container to move."}
	ruleAlreadyNative = Rule{ID: "already-native", Matches: "a container name already in initContainers", Summary: "The pod already runs this container as an init container; nothing is duplicated."}
	ruleDuplicateName = Rule{ID: "duplicate-name", Matches: "two containers with the same name", Summary: "Container names must be unique in a pod; the pod is left alone."}
	ruleBadContainers = Rule{ID: "invalid-containers", Matches: "containers that is not a list of mappings, each with a name and no key set twice", Summary: "The pod template cannot be read; it is left alone."}
	ruleInitPolicy    = Rule{ID: "init-restart-policy", Matches: "initContainers entry with restartPolicy other than Always", Summary: "Rejected before Kubernetes 1.35, and a different feature from 1.35."}
	ruleRegularPolicy = Rule{ID: "regular-restart-policy", Matches: "restartPolicy on a container that stays in containers; restart settings that keep a sidecar there", Summary: "Invalid before Kubernetes 1.35, and a different feature from 1.35; a sidecar whose restartPolicy is not Always (or null), or that has restartPolicyRules, is not moved: Always would change them."}
	ruleInitProbes    = Rule{ID: "init-probes", Matches: "probes or lifecycle on a plain init container", Summary: "Plain init containers reject probes and lifecycle hooks."}
	ruleInitLongRun   = Rule{ID: "init-long-running", Matches: "a long-running sidecar image in initContainers without restartPolicy: Always", Summary: "The Pod would hang in Init; fixed only on strong evidence."}
	ruleMeshOptOut    = Rule{ID: "mesh-native-opt-out", Matches: "annotation sidecar.istio.io/nativeSidecar: \"false\"", Summary: "The mesh was told to keep its proxy in containers; the proxy is left there."}
	ruleFallback      = Rule{ID: RuleFormattingFallback, Matches: "a changed document whose edit cannot be spliced into its lines", Summary: "The document was serialized instead; its formatting could not be kept."}
	ruleHelmTemplate  = Rule{ID: RuleHelmTemplate, Matches: "a file in a Helm chart's templates/ folder", Summary: "Templates are not manifests; migrate the rendered output with the post-renderer."}
	ruleEmptyFile     = Rule{ID: RuleEmptyFile, Matches: "a file that is empty or holds only comments", Summary: "Nothing to migrate; said so that a manifest emptied by mistake does not go unnoticed."}
	ruleInputError    = Rule{ID: RuleInputError, Matches: "a file that cannot be read or parsed", Summary: "The file could not be processed and was left as it was."}
	ruleNotRegular    = Rule{ID: RuleNotRegular, Matches: "a path that is a FIFO, a device or a socket", Summary: "Skipped without being opened: reading it could block or never end."}
	_                 = rule.Register(rule.Check, ruleLooksLikeSidecar, ruleSkip, ruleKeep, ruleSingle, ruleNoApp, ruleOneShot, ruleNoImage, ruleAlreadyNative, ruleDuplicateName, ruleBadContainers, ruleInitPolicy, ruleRegularPolicy, ruleInitProbes, ruleInitLongRun, ruleMeshOptOut)
	_                 = rule.Register(rule.Input, ruleFallback, ruleHelmTemplate, ruleEmptyFile, ruleNotRegular, ruleInputError)
)

// Ids of checks that the callers of Migrate report: the file layer owns formatting and
// chart detection, but their ids belong to the one catalogue.
const (
	RuleFormattingFallback = "formatting-fallback"
	RuleHelmTemplate       = "helm-template"
	RuleEmptyFile          = "empty-file"
	RuleNotRegular         = "not-regular-file"
	RuleInputError         = "input-error"
)

// repository returns the repository path of an image reference without registry, tag or
// digest: "registry.example.com:5000/mirror/istio/proxyv2:1.24@sha256:..." gives
// "mirror/istio/proxyv2".
func repository(image string) string {
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndexByte(image, ':'); i > strings.LastIndexByte(image, '/') {
		image = image[:i]
	}
	if first, rest, ok := strings.Cut(image, "/"); ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		image = rest
	}
	return image
}
