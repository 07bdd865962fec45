package migrate

import (
	"bytes"

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
}

func (u ConfigMapUse) String() string {
	s := u.Resource.String()
	if u.Container != "" {
		s += " container " + u.Container
	}
	if u.File != "" {
		s += " in " + u.File
	}
	return s
}

// MayUseConfigMap reports whether a document's text may name a ConfigMap it uses: a byte
// check before any walk.
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

// otherUse returns a use of the run's ConfigMap by anything but the run's container, and
// whether there is one. Namespaces are not compared: a use in another namespace as written
// may be applied to the same one.
func (r ConfigScriptRun) otherUse(uses []ConfigMapUse) (ConfigMapUse, bool) {
	for _, u := range uses {
		if u.ConfigMap == r.ConfigMap && (u.Resource != r.Resource || u.Container != r.Container) {
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
