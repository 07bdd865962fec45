package migrate

import "bytes"

// PrefilterWord is in the text of every document MayApply or MayNameContainers accepts: a
// reader may skip, unparsed, a file that does not contain it.
const PrefilterWord = "container"

// MayApply reports whether a document, as text, may hold something Migrate changes: every
// pod template has a containers list. Most documents of a repository are not workloads, and
// a caller need not parse those.
func MayApply(content []byte) bool { return bytes.Contains(content, []byte("containers")) }

// MayNameContainers reports whether a document that MayApply rejects may still name
// containers by name (ContainerRefs): an autoscaler's ContainerResource metric or
// containerPolicies entry.
func MayNameContainers(content []byte) bool {
	return bytes.Contains(content, []byte("containerResource")) || bytes.Contains(content, []byte("containerPolicies"))
}
