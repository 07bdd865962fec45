package kio

import (
	"fmt"
	"github.com/sidecar-migrate/sidecar-migrate/kio/yamldoc"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// CheckAliases returns the number of documents of data that hold content and, when a
// document's aliases stand for more nodes than MigrateBytes allows, that error. It lets a
// caller that parses data with another YAML library (the KRM function's framework) hold the
// same limit as file mode. What does not parse is left to that library to report.
func CheckAliases(path string, data []byte) (int, error) {
	t, terr := yamldoc.Read(path, data)
	if terr != nil {
		return 0, nil
	}
	docs := 0
	for _, d := range t.Docs() {
		doc, err := d.Parse()
		if err != nil {
			docs++ // its content is there, for the other library to refuse
			continue
		}
		if doc == nil {
			continue
		}
		docs++
		c := nodeCheck{sizes: map[*yaml.Node]int{}}
		c.walk(doc)
		if c.aliased > maxAliasNodes {
			err := aliasBombError(d.Line + c.bigAlias.Line - 1)
			err.Path = path
			return docs, err
		}
	}
	return docs, nil
}

// aliasBombError is the error of a document whose aliases stand for more than maxAliasNodes
// nodes, at line.
func aliasBombError(line int) *Error {
	return &Error{Line: line, Msg: fmt.Sprintf(
		"YAML aliases here stand for more than %d nodes (a \"billion laughs\" alias bomb?): refused, since kubectl would have to expand them", maxAliasNodes)}
}
