package migrate

import (
	"bytes"
	"errors"
	"io"
	"regexp"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

var unknownFieldRe = regexp.MustCompile(`field (\S+) not found in type`)

// ParseOptions decodes options written as YAML (the --config file, or the spec of the KRM
// functionConfig) and validates them. Unknown fields are an error that names them.
func ParseOptions(data []byte) (Options, error) {
	o, err := DecodeOptions(data)
	if err != nil {
		return o, err
	}
	return o, o.Validate()
}

// DecodeOptions decodes options like ParseOptions but does not validate them, for callers
// that merge them with other settings first (command-line flags win over the file).
func DecodeOptions(data []byte) (Options, error) {
	var o Options
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&o); err != nil && !errors.Is(err, io.EOF) {
		if m := unknownFieldRe.FindAllStringSubmatch(err.Error(), -1); m != nil {
			var names []string
			for _, x := range m {
				names = append(names, x[1])
			}
			return o, unknownFieldError(names)
		}
		return o, err
	}
	return o, nil
}
