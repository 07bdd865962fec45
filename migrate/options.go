package migrate

import (
	"fmt"
	"strconv"
	"strings"
)

// Placement says where moved sidecars go in initContainers.
type Placement string

// The placements. AfterInit keeps today's start order and scheduling arithmetic: the sidecar
// starts once the regular init containers have finished, as it did from containers.
const (
	AfterInit  Placement = "after-init"
	BeforeInit Placement = "before-init"
)

// Options tune a migration. The zero value is the default behaviour. The same fields, with
// the same names, are the `--config` file and the KRM functionConfig's spec.
type Options struct {
	// Placement of moved sidecars in initContainers; default after-init.
	Placement Placement `yaml:"placement,omitempty" json:"placement,omitempty"`
	// KeepHacks leaves Job workarounds alone, and then does not move a Job's sidecar that a
	// kept workaround stops; default false.
	KeepHacks bool `yaml:"keepHacks,omitempty" json:"keepHacks,omitempty"`
	// Sidecars adds images and names to the built-in catalogue; default none.
	Sidecars ExtraSidecars `yaml:"sidecars,omitempty" json:"sidecars,omitempty"`
	// DisableRules lists rule ids to turn off, whether evidence or check; default none.
	DisableRules []string `yaml:"disableRules,omitempty" json:"disableRules,omitempty"`
	// PodTemplatePaths adds kinds whose pod template sits at a known path; default none.
	PodTemplatePaths []TemplatePath `yaml:"podTemplatePaths,omitempty" json:"podTemplatePaths,omitempty"`
	// KubeVersion is the oldest Kubernetes minor version (X.Y) the manifests must run on;
	// default 1.33. Below 1.28 nothing can be migrated; 1.28 needs AllowFeatureGate.
	KubeVersion string `yaml:"kubeVersion,omitempty" json:"kubeVersion,omitempty"`
	// AllowFeatureGate accepts KubeVersion 1.28, where native sidecars need the alpha
	// SidecarContainers feature gate; default false.
	AllowFeatureGate bool `yaml:"allowFeatureGate,omitempty" json:"allowFeatureGate,omitempty"`
	// StartupProbe says what to do with a moved sidecar that has a readinessProbe but no
	// startupProbe: "" (default) reports it, "from-readiness" adds a startupProbe with the
	// readiness probe's handler.
	StartupProbe string `yaml:"startupProbe,omitempty" json:"startupProbe,omitempty"`
	// MeshNative lists meshes that inject their proxy at admission time ("istio",
	// "linkerd", or "linkerd@2.19" to pick the annotation key of a Linkerd release) whose
	// native-sidecar annotation is added to pod templates that opt into injection; default
	// none.
	MeshNative []string `yaml:"meshNative,omitempty" json:"meshNative,omitempty"`
	// Skip lists objects to leave alone whatever their evidence; default none. It is set by
	// callers that see more than one document (the kustomize pass, for a base whose overlays
	// cannot follow a move), who report why; it is not part of the config file.
	Skip []Resource `yaml:"-" json:"-"`
	// Lifecycles gives the lifecycle of objects whose own manifest cannot tell it, such as a
	// kustomize patch, which takes its base's kind and restartPolicy; default none (read from
	// the manifest). It is set by callers that see more than one document; it is not part of
	// the config file.
	Lifecycles map[Resource]Lifecycle `yaml:"-" json:"-"`
}

// Lifecycle says how the kubelet treats a pod template's containers once they exit, which
// decides how strict the migration must be with containers that stop themselves.
type Lifecycle int

// The lifecycles. FromManifest reads the kind and restartPolicy of the document itself.
const (
	FromManifest     Lifecycle = iota
	LongRunning                // restartPolicy Always: an exit was never final
	RunToCompletion            // a Job, a CronJob, or a Pod with restartPolicy Never or OnFailure
	LifecycleUnknown           // a patch whose base is not known: treated as strictly as a Job
)

// ExtraSidecars extends the catalogue. Images are repository paths matched like the
// built-in ones (any registry, tag or digest); names are path.Match patterns.
type ExtraSidecars struct {
	Images []string `yaml:"images,omitempty" json:"images,omitempty"`
	Names  []string `yaml:"names,omitempty" json:"names,omitempty"`
}

// TemplatePath locates the pod template (the mapping that holds metadata and spec) of a
// custom kind, for example {Kind: Rollout, Path: [spec, template]}. An empty APIVersion
// matches every version of the kind.
type TemplatePath struct {
	Kind       string   `yaml:"kind" json:"kind"`
	APIVersion string   `yaml:"apiVersion,omitempty" json:"apiVersion,omitempty"`
	Path       []string `yaml:"path" json:"path"`
}

// Validate reports the first option that cannot be used.
func (o Options) Validate() error {
	switch o.Placement {
	case "", AfterInit, BeforeInit:
	default:
		return fmt.Errorf("placement %q: want %s or %s", o.Placement, AfterInit, BeforeInit)
	}
	if _, err := CheckKubeVersion(o.KubeVersion, o.AllowFeatureGate); err != nil {
		return err
	}
	switch o.StartupProbe {
	case "", StartupFromReadiness:
	default:
		return fmt.Errorf("startupProbe %q: want %s or nothing", o.StartupProbe, StartupFromReadiness)
	}
	for _, m := range o.MeshNative {
		if err := checkMesh(m); err != nil {
			return err
		}
	}
	if err := o.checkDisableRules(); err != nil {
		return err
	}
	for _, p := range o.PodTemplatePaths {
		if p.Kind == "" || len(p.Path) == 0 {
			return fmt.Errorf("podTemplatePaths: each entry needs kind and path")
		}
	}
	return nil
}

// StartupFromReadiness is the StartupProbe option that adds startup probes.
const StartupFromReadiness = "from-readiness"

// DefaultKubeVersion is the target when none is given: native sidecars are GA from 1.33.
const DefaultKubeVersion = "1.33"

// CheckKubeVersion checks that native sidecars can run on Kubernetes version v ("X.Y"; a
// leading "v" and a patch release are accepted; "" means DefaultKubeVersion) and reports
// whether they are beta there (1.29 to 1.32).
func CheckKubeVersion(v string, allowFeatureGate bool) (beta bool, err error) {
	mi := kubeMinor(v)
	switch {
	case mi < 0:
		return false, fmt.Errorf("kube version %q: want X.Y, for example 1.33", v)
	case mi < 28:
		return false, fmt.Errorf("a Kubernetes %s cluster cannot run native sidecars (they need 1.28 with the SidecarContainers feature gate, or 1.29+); nothing was changed", v)
	case mi == 28 && !allowFeatureGate:
		return false, fmt.Errorf("on Kubernetes 1.28 native sidecars run only with the alpha SidecarContainers feature gate, off by default, and with other termination semantics; allow them explicitly (--allow-feature-gate) if your clusters enable it")
	}
	return mi < 33, nil
}

// kubeMinor returns the minor number of a Kubernetes 1.x version ("1.30", "v1.30.2"; ""
// means DefaultKubeVersion), or -1 when v is not one.
func kubeMinor(v string) int {
	if v == "" {
		v = DefaultKubeVersion
	}
	major, rest, ok := strings.Cut(strings.TrimPrefix(v, "v"), ".")
	minor, patch, hasPatch := strings.Cut(rest, ".")
	mi, err := strconv.Atoi(minor)
	if !ok || major != "1" || err != nil || mi < 0 || (hasPatch && !startsWithDigit(patch)) {
		return -1
	}
	return mi
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// checkMesh checks a MeshNative entry: istio, linkerd, or linkerd@2.N with N >= 15, the
// first Linkerd with native sidecars.
func checkMesh(m string) error {
	name, version, hasVersion := strings.Cut(m, "@")
	switch {
	case name != "istio" && name != "linkerd":
		return fmt.Errorf("meshNative %q: want istio or linkerd", m)
	case !hasVersion:
		return nil
	case name == "istio":
		return fmt.Errorf("meshNative %q: istio takes no version (its annotation never changed)", m)
	}
	minor := linkerdMinor(version)
	if minor < 0 {
		return fmt.Errorf("meshNative %q: want a Linkerd release such as linkerd@2.19", m)
	}
	if minor < 15 {
		return fmt.Errorf("meshNative %q: Linkerd runs native sidecars from 2.15 on", m)
	}
	return nil
}

// linkerdMinor returns N for a Linkerd release "2.N" or "2.N.P", or -1.
func linkerdMinor(v string) int {
	major, rest, ok := strings.Cut(v, ".")
	minor, _, _ := strings.Cut(rest, ".")
	n, err := strconv.Atoi(minor)
	if !ok || major != "2" || err != nil || n < 0 {
		return -1
	}
	return n
}

// meshNative reports whether the options name mesh, and the minor number of the mesh
// release they give (0 when none).
func (o Options) meshNative(mesh string) (on bool, minor int) {
	for _, m := range o.MeshNative {
		name, version, hasVersion := strings.Cut(m, "@")
		if name != mesh {
			continue
		}
		if hasVersion {
			return true, linkerdMinor(version)
		}
		return true, 0
	}
	return false, 0
}

func (o Options) disabled(id string) bool {
	for _, d := range o.DisableRules {
		if d == id {
			return true
		}
	}
	return false
}
