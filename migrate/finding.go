package migrate

import "fmt"

// Severity ranks a finding.
type Severity int

// The severities, from least to most severe.
const (
	Info Severity = iota
	Warning
	Error
)

// String returns the lower-case name of s, as printed in findings.
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	default:
		return "error"
	}
}

// ParseSeverity parses the name of a severity.
func ParseSeverity(name string) (Severity, error) {
	for _, s := range []Severity{Info, Warning, Error} {
		if s.String() == name {
			return s, nil
		}
	}
	return Info, fmt.Errorf("unknown severity %q (want info, warning or error)", name)
}

// Resource identifies the Kubernetes object a finding is about.
type Resource struct {
	APIVersion string
	Kind       string
	Namespace  string
	Name       string
}

// String returns KIND/NAME, or KIND/NAMESPACE/NAME when the namespace is set. An object
// without a name (generateName, a test's partial assert object) reads "KIND (no name)".
func (r Resource) String() string {
	switch {
	case r.Name == "":
		return r.Kind + " (no name)"
	case r.Namespace != "":
		return r.Kind + "/" + r.Namespace + "/" + r.Name
	}
	return r.Kind + "/" + r.Name
}

// Finding is one decision of the migration: something moved, something left alone and why,
// or a mistake found in the input. Line and Column are 1-based positions in the document
// that Migrate was given; callers shift them to file positions.
type Finding struct {
	Rule      string
	Severity  Severity
	Line      int
	Column    int
	Resource  Resource
	Container string // empty when the finding is about the whole workload
	// Field is the path of the pod spec or container in the object, in kustomize's
	// notation: "spec.template.spec.containers[name=istio-proxy]".
	Field   string
	Message string
	// Fixed is true when the migration changed the document because of this finding.
	Fixed bool
	// Ignored is the reason of the ignore annotation that silenced this finding; it is set
	// only on the findings of Result.Ignored.
	Ignored string
}

// String formats f as "LINE: SEVERITY RULE KIND/NAME container NAME: message", the form the
// command line prints after the file name; the resource and the container are left out when
// empty.
func (f Finding) String() string {
	s := fmt.Sprintf("%d: %s %s", f.Line, f.Severity, f.Rule)
	if f.Resource.Kind != "" { // findings about a whole file or run have no resource
		s += " " + f.Resource.String()
	}
	if f.Container != "" {
		s += " container " + f.Container
	}
	return s + ": " + f.Message
}
