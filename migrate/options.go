package migrate

import "fmt"

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
	// KeepHacks moves containers but leaves Job workarounds alone; default false.
	KeepHacks bool `yaml:"keepHacks,omitempty" json:"keepHacks,omitempty"`
	// Sidecars adds images and names to the built-in catalogue; default none.
	Sidecars ExtraSidecars `yaml:"sidecars,omitempty" json:"sidecars,omitempty"`
	// DisableRules lists rule ids to turn off, whether evidence or check; default none.
	DisableRules []string `yaml:"disableRules,omitempty" json:"disableRules,omitempty"`
	// PodTemplatePaths adds kinds whose pod template sits at a known path; default none.
	PodTemplatePaths []TemplatePath `yaml:"podTemplatePaths,omitempty" json:"podTemplatePaths,omitempty"`
}

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
	for _, p := range o.PodTemplatePaths {
		if p.Kind == "" || len(p.Path) == 0 {
			return fmt.Errorf("podTemplatePaths: each entry needs kind and path")
		}
	}
	return nil
}

func (o Options) disabled(id string) bool {
	for _, d := range o.DisableRules {
		if d == id {
			return true
		}
	}
	return false
}
