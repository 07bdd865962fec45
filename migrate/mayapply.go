package migrate

import "bytes"

// PrefilterWord is in the text of every document MayApply or MayNameContainers accepts: a
// reader may skip, unparsed, a file that does not contain it.
const PrefilterWord = "container"

// MayApply reports whether a document, as text, may hold something Migrate changes: every
// pod template has a containers list. Most documents of a repository are not workloads, and
// a caller need not parse those; nor a CustomResourceDefinition (IsDefinition), whose
// schemas name containers in every type that carries a pod.
func MayApply(content []byte) bool {
	return bytes.Contains(content, []byte("containers")) && !IsDefinition(content)
}

// MayNameContainers reports whether a document that MayApply rejects may still name
// containers by name (ContainerRefs): an autoscaler's ContainerResource metric or
// containerPolicies entry.
func MayNameContainers(content []byte) bool {
	return (bytes.Contains(content, []byte("containerResource")) || bytes.Contains(content, []byte("containerPolicies"))) &&
		!IsDefinition(content)
}

// IsDefinition reports whether a document, as text, is a CustomResourceDefinition: its
// first two lines of content are its apiVersion in apiextensions.k8s.io and its kind, in
// either order, each whole at the left margin, and the next line that is not blank starts
// at the margin too. Nothing before the first line of content can make a line part of
// another node, and a plain scalar ends at a line at the margin (an indented one would
// continue it), so both are keys of the document's root mapping, with those values. A
// definition holds schemas, never a pod, a use of a ConfigMap or a container's name, and is
// often the largest document of a repository (a megabyte of schema that mentions containers
// everywhere): it need not be parsed. content is one document: a file's first document
// says nothing of the others.
func IsDefinition(content []byte) bool {
	var api, kind bool
	for n := 0; n < 2; n++ {
		line := nextContentLine(&content)
		switch {
		case bytes.Equal(line, []byte("kind: CustomResourceDefinition")):
			kind = true
		case bytes.Equal(line, []byte("apiVersion: apiextensions.k8s.io/v1")),
			bytes.Equal(line, []byte("apiVersion: apiextensions.k8s.io/v1beta1")):
			api = true
		default:
			return false
		}
	}
	return api && kind && !continued(content)
}

// continued reports whether the next line of text that is not blank is indented, and so
// may continue the scalar of the line before.
func continued(text []byte) bool {
	for len(text) > 0 {
		line, rest, _ := bytes.Cut(text, []byte("\n"))
		text = rest
		if len(bytes.TrimRight(line, " \t\r")) > 0 {
			return line[0] == ' ' || line[0] == '\t'
		}
	}
	return false
}

// nextContentLine returns the next line of *text that is not blank, a comment or the
// document marker, without its line break and trailing spaces, and advances *text past it.
func nextContentLine(text *[]byte) []byte {
	for len(*text) > 0 {
		line, rest, _ := bytes.Cut(*text, []byte("\n"))
		*text = rest
		line = bytes.TrimRight(line, " \r")
		if len(line) == 0 || line[0] == '#' || bytes.Equal(line, []byte("---")) {
			continue
		}
		return line
	}
	return nil
}
