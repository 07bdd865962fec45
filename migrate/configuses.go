package migrate

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Who else sees a ConfigMap: editing a script in a ConfigMap changes it for every container
// that mounts the ConfigMap or reads it into its environment, not only for the Job whose run
// was read. So a script is edited only when the run's container is the ConfigMap's one user
// in the whole run.

// ConfigMapUse is something that sees a ConfigMap by name: a container that mounts a volume
// of it (configMap, or a source of a projected volume) or reads it by envFrom or
// configMapKeyRef, or, with Container "", an object that names it outside any pod template
// the migration knows (a custom resource's field, say).
type ConfigMapUse struct {
	ConfigMap string
	Resource  Resource
	Container string
	File      string // where the object is, set by the caller; "" in the ConfigMap's file
	// Field is, for an object that names the ConfigMap by a plain value (ConfigMapNameUses),
	// where in the object: "rules[0].resourceNames[0]".
	Field string
	// Unread: the file could not be read again to look for the name, and may hold it.
	Unread bool
}

func (u ConfigMapUse) String() string {
	s := ""
	switch {
	case u.Unread:
		return u.File
	case u.Resource.Kind != "":
		s = u.Resource.String()
		if u.Field != "" {
			s += " (" + u.Field + ")"
		}
	default: // a document that is not a Kubernetes object: a kustomization, Helm values
		s = u.Field
	}
	if u.Container != "" {
		s += " container " + u.Container
	}
	if u.File != "" {
		s += " in " + u.File
	}
	return s
}

// Reason says why a ConfigMap that u sees is left as it is.
func (u ConfigMapUse) Reason() string {
	switch {
	case u.Unread:
		return "it may be named by " + u.File + ", which could not be read again"
	case u.Field != "":
		return "it is also named by " + u.String() + ", which may read it: the edit would change it there too"
	}
	return "it is also used by " + u.String() + ", which the edit would change too"
}

// MayUseConfigMap reports whether a document's text may hold a reference ConfigMapUses
// reads (a configMap, configMapRef or configMapKeyRef): a byte check before any walk. An
// object that names a ConfigMap otherwise (a Role's resourceNames, a custom resource's
// field) need not pass it: ConfigMapNameUses finds those, once the names are known, by a
// byte search for each name.
func MayUseConfigMap(content []byte) bool { return bytes.Contains(content, []byte("configMap")) }

// ConfigMapUses returns what, in a document, sees a ConfigMap by name.
func ConfigMapUses(doc *yaml.Node, opts Options) []ConfigMapUse {
	root := documentRoot(doc)
	var out []ConfigMapUse
	specs := map[*yaml.Node]bool{}
	for _, t := range findPodTemplates(root, "", opts) {
		specs[t.spec] = true
		out = append(out, podConfigMapUses(t)...)
	}
	// Outside the pod templates, any configMap, configMapRef or configMapKeyRef with a name is
	// a use by the object itself.
	var walk func(n *yaml.Node, r Resource)
	walk = func(n *yaml.Node, r Resource) {
		if n == nil || specs[n] {
			return
		}
		if n.Kind == yaml.MappingNode {
			if lookup(n, "metadata") != nil && scalar(n, "kind") != "" { // an item of a List
				r = resourceOf(n)
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				if isConfigMapRef(n.Content[i].Value) {
					if name := scalar(n.Content[i+1], "name"); name != "" {
						out = append(out, ConfigMapUse{ConfigMap: name, Resource: r})
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c, r)
		}
	}
	walk(root, resourceOf(root))
	return out
}

func isConfigMapRef(key string) bool {
	return key == "configMap" || key == "configMapRef" || key == "configMapKeyRef"
}

// podConfigMapUses returns the containers of a pod template that see a ConfigMap: through a
// volume they mount, envFrom, or an env var's configMapKeyRef.
func podConfigMapUses(t podTemplate) []ConfigMapUse {
	volumes := map[string][]string{} // volume name -> the ConfigMaps it holds
	for _, v := range seqItems(lookup(t.spec, "volumes")) {
		name := scalar(v, "name")
		if cm := scalar(lookup(v, "configMap"), "name"); cm != "" {
			volumes[name] = append(volumes[name], cm)
		}
		for _, s := range seqItems(lookupPath(v, "projected", "sources")) {
			if cm := scalar(lookup(s, "configMap"), "name"); cm != "" {
				volumes[name] = append(volumes[name], cm)
			}
		}
	}
	var out []ConfigMapUse
	for _, list := range []string{"initContainers", "containers", "ephemeralContainers"} {
		for _, c := range seqItems(lookup(t.spec, list)) {
			use := func(cm string) {
				out = append(out, ConfigMapUse{ConfigMap: cm, Resource: t.resource, Container: scalar(c, "name")})
			}
			for _, m := range seqItems(lookup(c, "volumeMounts")) {
				for _, cm := range volumes[scalar(m, "name")] {
					use(cm)
				}
			}
			for _, e := range seqItems(lookup(c, "envFrom")) {
				if cm := scalar(lookup(e, "configMapRef"), "name"); cm != "" {
					use(cm)
				}
			}
			for _, e := range seqItems(lookup(c, "env")) {
				if cm := scalar(lookupPath(e, "valueFrom", "configMapKeyRef"), "name"); cm != "" {
					use(cm)
				}
			}
		}
	}
	return out
}

// A ConfigMap is read by anything that knows its name: a controller granted it by a Role's
// resourceNames, an operator's custom resource, a reloader's annotation, a script that runs
// kubectl get configmap NAME. So, besides the references ConfigMapUses reads, every plain
// value of another object that names the ConfigMap counts as a use (ConfigMapNameUses),
// with a few places that never read a ConfigMap by Kubernetes' own meaning:
//   - an object's metadata.name and metadata.namespace: a Deployment or a Service named
//     like its ConfigMap is common, and its name reads nothing;
//   - labels and label selectors (metadata.labels, selector, matchLabels, matchExpressions
//     and the like): app: NAME is common too, and a label set selects pods or nodes, never
//     the data of a ConfigMap;
//   - in a pod template, the places ConfigMapUses reads precisely (a volume's configMap,
//     envFrom, configMapKeyRef) and the local names of the spec (containers, volumes,
//     volume mounts, ports, env vars), which name nothing outside the pod;
//   - a reference that says it is to an object of another kind ({kind: Role, name: NAME},
//     a Secret's or a claim's name, serviceAccountName and the like);
//   - the last-applied-configuration annotation, kubectl's copy of the object itself.
// Anything else counts: a false use only leaves a script unedited, with its reason. A name
// is matched as written: an object that names the ConfigMap by the name a tool gives it on
// the way (prod-NAME, after a kustomize overlay's namePrefix) is not seen.

// ConfigMapNameUses returns the places of a document that name one of names by a plain
// value, outside those listed above. A ConfigMap document does not use itself: its own name
// is left out of its walk. A value names a ConfigMap when it is the name, or holds it as a
// word (between spaces, commas, semicolons, quotes, =, brackets or shell operators), alone
// or after one slash (NAMESPACE/NAME, configmap/NAME), as it is or as kustomize may rename
// it (a namePrefix, a nameSuffix, a generator's hash, joined by "-").
func ConfigMapNameUses(doc *yaml.Node, names map[string]bool, opts Options) []ConfigMapUse {
	root := documentRoot(doc)
	w := nameWalk{names: names, skip: map[*yaml.Node]bool{}}
	for _, t := range findPodTemplates(root, "", opts) {
		podLocalNames(t.spec, w.skip)
	}
	if root.Kind == yaml.MappingNode {
		w.object(root)
	} else {
		w.value(root)
	}
	return w.out
}

// nameWalk is a walk of ConfigMapNameUses.
type nameWalk struct {
	names map[string]bool
	skip  map[*yaml.Node]bool // values that name nothing outside the pod
	out   []ConfigMapUse
	path  []string
	r     Resource
	self  string // the name of the ConfigMap the walk is in
}

// object walks an object, or an item of a List: its fields' paths start from it.
func (w *nameWalk) object(obj *yaml.Node) {
	r, self, path := w.r, w.self, w.path
	w.r, w.self, w.path = resourceOf(obj), "", nil
	if w.r.Kind == "ConfigMap" && w.r.APIVersion == "v1" {
		w.self = w.r.Name
	}
	md := lookup(obj, "metadata")
	for i := 0; i+1 < len(obj.Content); i += 2 {
		k, v := obj.Content[i].Value, obj.Content[i+1]
		if v != md {
			w.field(k, v, obj)
			continue
		}
		for j := 0; md.Kind == yaml.MappingNode && j+1 < len(md.Content); j += 2 {
			switch mk := md.Content[j].Value; mk {
			case "name", "namespace", "labels":
			default:
				w.path = append(w.path, "metadata")
				w.field(mk, md.Content[j+1], md)
				w.path = w.path[:len(w.path)-1]
			}
		}
	}
	w.r, w.self, w.path = r, self, path
}

// field walks the value v of key k in the mapping m.
func (w *nameWalk) field(k string, v, m *yaml.Node) {
	switch {
	case notConfigMapKeys[k]:
		return
	case k == "name" && scalar(m, "kind") != "" && scalar(m, "kind") != "ConfigMap":
		return // {kind: Role, name: NAME}
	}
	if strings.ContainsAny(k, "./ []") { // an annotation's key
		w.path = append(w.path, "["+strconv.Quote(k)+"]")
	} else {
		w.path = append(w.path, k)
	}
	if otherKindRefs[k] {
		w.value(withoutName(v))
	} else {
		w.value(v)
	}
	w.path = w.path[:len(w.path)-1]
}

// value walks a value: a scalar that names a ConfigMap is a use.
func (w *nameWalk) value(v *yaml.Node) {
	if v == nil || w.skip[v] {
		return
	}
	switch v.Kind {
	case yaml.AliasNode:
		w.value(v.Alias)
	case yaml.ScalarNode:
		if name := namedIn(v.Value, w.names); name != "" && name != w.self {
			w.out = append(w.out, ConfigMapUse{ConfigMap: name, Resource: w.r, Field: fieldPath(w.path)})
		}
	case yaml.SequenceNode:
		for i, c := range v.Content {
			w.path = append(w.path, "["+strconv.Itoa(i)+"]")
			w.value(c)
			w.path = w.path[:len(w.path)-1]
		}
	case yaml.MappingNode:
		if lookup(v, "metadata") != nil && scalar(v, "kind") != "" { // an item of a List
			w.object(v)
			return
		}
		for i := 0; i+1 < len(v.Content); i += 2 {
			w.field(v.Content[i].Value, v.Content[i+1], v)
		}
	}
}

// notConfigMapKeys are the keys whose value never names a ConfigMap: label sets and label
// selectors, the names of objects of other kinds, and a copy of the object.
var notConfigMapKeys = map[string]bool{
	"labels": true, "selector": true, "matchLabels": true, "matchExpressions": true,
	"podSelector": true, "namespaceSelector": true, "labelSelector": true, "nodeSelector": true,
	"serviceAccountName": true, "serviceAccount": true, "priorityClassName": true,
	"runtimeClassName": true, "schedulerName": true, "storageClassName": true,
	"ingressClassName": true, "secretName": true, "claimName": true, "nodeName": true,
	"serviceName": true,
	// kubectl apply's copy of the object itself, whose references are read where they are.
	"kubectl.kubernetes.io/last-applied-configuration": true,
}

// otherKindRefs are the keys of a reference to an object of another kind: the name of a
// mapping under them, or of each item of a list under them, is not a ConfigMap's.
var otherKindRefs = map[string]bool{
	"secret": true, "secretRef": true, "secretKeyRef": true, "imagePullSecrets": true,
	"persistentVolumeClaim": true, "serviceAccountRef": true,
	"service": true, "backendRefs": true, // an Ingress's or a route's Service
}

// withoutName returns v with the name of its mapping, or of each mapping of its list, left
// out: a copy of the containers only, so that v is not changed.
func withoutName(v *yaml.Node) *yaml.Node {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case yaml.MappingNode:
		c := *v
		c.Content = nil
		for i := 0; i+1 < len(v.Content); i += 2 {
			if v.Content[i].Value != "name" {
				c.Content = append(c.Content, v.Content[i], v.Content[i+1])
			}
		}
		return &c
	case yaml.SequenceNode:
		c := *v
		c.Content = make([]*yaml.Node, len(v.Content))
		for i, item := range v.Content {
			c.Content[i] = withoutName(item)
		}
		return &c
	}
	return v
}

// podLocalNames adds to skip the values of a pod spec that name nothing outside the pod, and
// those ConfigMapUses reads precisely.
func podLocalNames(spec *yaml.Node, skip map[*yaml.Node]bool) {
	mark := func(n *yaml.Node, path ...string) {
		if v := lookupPath(n, path...); v != nil {
			skip[v] = true
		}
	}
	for _, v := range seqItems(lookup(spec, "volumes")) {
		mark(v, "name")
		mark(v, "configMap", "name")
		for _, s := range seqItems(lookupPath(v, "projected", "sources")) {
			mark(s, "configMap", "name")
		}
	}
	for _, list := range []string{"initContainers", "containers", "ephemeralContainers"} {
		for _, c := range seqItems(lookup(spec, list)) {
			mark(c, "name")
			for _, l := range []string{"volumeMounts", "volumeDevices", "ports", "env"} {
				for _, m := range seqItems(lookup(c, l)) {
					mark(m, "name")
				}
			}
			for _, e := range seqItems(lookup(c, "envFrom")) {
				mark(e, "configMapRef", "name")
			}
			for _, e := range seqItems(lookup(c, "env")) {
				mark(e, "valueFrom", "configMapKeyRef", "name")
			}
		}
	}
}

// namedIn returns the one of names that value names (ConfigMapNameUses), or "".
func namedIn(value string, names map[string]bool) string {
	if names[value] {
		return value
	}
	for name := range names {
		if !strings.Contains(value, name) {
			continue
		}
		for _, word := range strings.FieldsFunc(value, isWordBreak) {
			if strings.Count(word, "/") == 1 && word[0] != '/' {
				_, word, _ = strings.Cut(word, "/")
			}
			if renamed(word, name) {
				return name
			}
		}
	}
	return ""
}

// renamed reports whether word is name, or name as kustomize may rename it: with a
// namePrefix or nameSuffix ending or starting with "-", or a generator's hash suffix.
func renamed(word, name string) bool {
	return word == name || strings.HasSuffix(word, "-"+name) || strings.HasPrefix(word, name+"-") || strings.Contains(word, "-"+name+"-")
}

func isWordBreak(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(",;='\"`()[]{}<>|&$", r)
}

// fieldPath joins the keys and indexes of a walk: "rules[0].resourceNames[0]".
func fieldPath(path []string) string {
	var b strings.Builder
	for i, p := range path {
		if i > 0 && !strings.HasPrefix(p, "[") {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// otherUse returns a use of the run's ConfigMap by anything but the run's container, and
// whether there is one. Namespaces are not compared: a use in another namespace as written
// may be applied to the same one.
func (r ConfigScriptRun) otherUse(uses []ConfigMapUse) (ConfigMapUse, bool) {
	for _, u := range uses {
		if u.ConfigMap == r.ConfigMap && (u.Resource != r.Resource || u.Container != r.Container || u.Field != "" || u.Unread) {
			return u, true
		}
	}
	return ConfigMapUse{}, false
}

// UsedElsewhere reports whether anything but the run's container uses its ConfigMap, in
// uses: EditConfigScripts then leaves the run's script unread, whatever else holds.
func (r ConfigScriptRun) UsedElsewhere(uses []ConfigMapUse) bool {
	_, ok := r.otherUse(uses)
	return ok
}
