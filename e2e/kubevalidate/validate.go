// Package kubevalidate checks workloads with the Kubernetes API server's own code: each pod
// template is decoded strictly into the k8s.io/api types, defaulted, converted to the internal
// types, stripped of the fields that disabled feature gates drop (as the API server does when
// it creates the object), and validated by k8s.io/kubernetes/pkg/apis/core/validation.
//
// The package is built against one Kubernetes release (see go.mod and the other module files
// beside it), whose default feature gates decide what is valid.
package kubevalidate

import (
	"bufio"
	"bytes"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/component-base/version"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/apis/apps"
	"k8s.io/kubernetes/pkg/apis/batch"
	"k8s.io/kubernetes/pkg/apis/core"
	"k8s.io/kubernetes/pkg/apis/core/helper"
	"k8s.io/kubernetes/pkg/capabilities"
	"k8s.io/kubernetes/pkg/registry/apps/daemonset"
	"k8s.io/kubernetes/pkg/registry/apps/deployment"
	"k8s.io/kubernetes/pkg/registry/apps/replicaset"
	"k8s.io/kubernetes/pkg/registry/apps/statefulset"
	"k8s.io/kubernetes/pkg/registry/batch/cronjob"
	"k8s.io/kubernetes/pkg/registry/batch/job"
	"k8s.io/kubernetes/pkg/registry/core/pod"
	"k8s.io/kubernetes/pkg/registry/core/podtemplate"
	"k8s.io/kubernetes/pkg/registry/core/replicationcontroller"
	sigsyaml "sigs.k8s.io/yaml"

	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	_ "k8s.io/kubernetes/pkg/apis/batch/install"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
)

// Workload is the verdict on one workload: a document, or an item of a List document.
type Workload struct {
	// Doc is the document's index in its file, from 0; Item is the index in a List, or -1.
	Doc, Item int
	Kind      string
	Name      string
	// Errors are the problems found, sorted, with every container index in a field path
	// replaced by the container's name, so that moving a container keeps its errors' text.
	Errors []string
}

// ID says which workload this is, for messages and for pairing an input with its output.
func (w Workload) ID() string {
	if w.Item >= 0 {
		return fmt.Sprintf("doc %d item %d %s/%s", w.Doc, w.Item, w.Kind, w.Name)
	}
	return fmt.Sprintf("doc %d %s/%s", w.Doc, w.Kind, w.Name)
}

// Valid reports whether the API server would accept the workload as written.
func (w Workload) Valid() bool { return len(w.Errors) == 0 }

// KubernetesVersion returns the Kubernetes release whose rules and default feature gates
// this package applies ("1.34"), with the k8s.io/kubernetes module version when known.
func KubernetesVersion() string {
	v := version.DefaultKubeBinaryVersion
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "k8s.io/kubernetes" {
				v += " (k8s.io/kubernetes " + dep.Version + ")"
			}
		}
	}
	return v
}

// workloadKinds are the kinds whose pod templates are validated, by their internal type.
var workloadKinds = map[string]bool{
	"Pod": true, "PodTemplate": true, "ReplicationController": true,
	"Deployment": true, "StatefulSet": true, "DaemonSet": true, "ReplicaSet": true,
	"Job": true, "CronJob": true,
}

func init() {
	// As kube-apiserver --allow-privileged=true, which kubeadm, kind and the managed
	// services set; the default, false, refuses every privileged container.
	capabilities.Setup(true, 0)
}

var strictYAML = json.NewSerializerWithOptions(json.DefaultMetaFactory, legacyscheme.Scheme,
	legacyscheme.Scheme, json.SerializerOptions{Yaml: true, Strict: true})

// Mode says how literally a file is taken.
type Mode int

const (
	// AsWritten validates each workload exactly as the file has it.
	AsWritten Mode = iota
	// CompleteSelectors first gives a workload without a selector one that matches its pod
	// template's labels. The short manifests of the golden cases leave selectors out: the
	// migration never touches them, and without one the API server rejects the workload
	// before its pod spec matters.
	CompleteSelectors
)

// ValidateFile validates every workload of a multi-document YAML (or JSON) file. Documents
// of other kinds are skipped. An error means the file could not be split into documents.
func ValidateFile(data []byte, mode Mode) ([]Workload, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var out []Workload
	for doc := 0; ; doc++ {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("document %d: %w", doc, err)
		}
		out = append(out, validateDocument(doc, raw, mode)...)
	}
}

// typeMeta is what a document says it is; a document that does not even decode into it is
// not a workload this package can judge (a scalar, a list, a Helm template).
type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Items []stdjson.RawMessage `json:"items"`
}

func validateDocument(doc int, raw []byte, mode Mode) []Workload {
	var tm typeMeta
	if err := sigsyaml.Unmarshal(raw, &tm); err != nil {
		return nil
	}
	if tm.Kind == "List" && strings.HasSuffix(tm.APIVersion, "v1") {
		var out []Workload
		for i, item := range tm.Items {
			var itm typeMeta
			if sigsyaml.Unmarshal(item, &itm) == nil && workloadKinds[itm.Kind] {
				w := validateWorkload(item, mode)
				w.Doc, w.Item, w.Kind, w.Name = doc, i, itm.Kind, itm.Metadata.Name
				out = append(out, w)
			}
		}
		return out
	}
	if !workloadKinds[tm.Kind] {
		return nil
	}
	w := validateWorkload(raw, mode)
	w.Doc, w.Item, w.Kind, w.Name = doc, -1, tm.Kind, tm.Metadata.Name
	return []Workload{w}
}

// validateWorkload runs the API server's create path, up to validation, on one object: strict
// decoding, defaulting, conversion to the internal types, and the kind's create strategy
// (PrepareForCreate, which drops the fields of disabled features, then Validate, which runs
// the kind's own checks and ValidatePodTemplateSpec or ValidatePodCreate).
func validateWorkload(raw []byte, mode Mode) Workload {
	var w Workload
	obj, gvk, err := strictYAML.Decode(raw, nil, nil)
	if err != nil {
		strictErr, ok := runtime.AsStrictDecodingError(err)
		if !ok || obj == nil {
			w.Errors = []string{"decode: " + decodeError(err)}
			return w
		}
		for _, e := range strictErr.Errors() {
			w.Errors = append(w.Errors, "decode: "+decodeError(e))
		}
	}
	if gvk.Version != "v1" {
		// The scheme still knows apps/v1beta2 and the like, but no server serves them.
		return Workload{Errors: []string{"decode: " + gvk.GroupVersion().String() + " is not served"}}
	}
	legacyscheme.Scheme.Default(obj)
	internal, err := legacyscheme.Scheme.New(gvk.GroupKind().WithVersion(runtime.APIVersionInternal))
	if err == nil {
		err = legacyscheme.Scheme.Convert(obj, internal, nil)
	}
	if err != nil {
		w.Errors = append(w.Errors, "convert: "+err.Error())
		return w
	}
	if spec, _ := podSpec(internal); spec != nil {
		for i, e := range w.Errors {
			w.Errors[i] = nameContainers(e, spec)
		}
	}
	if mode == CompleteSelectors {
		completeSelector(internal)
	}
	w.Errors = append(w.Errors, create(internal, *gvk)...)
	slices.Sort(w.Errors)
	return w
}

// containerList is a container list in a decoding error's Go field path, which has no index.
var containerList = regexp.MustCompile(`\.(initContainers|containers)\.`)

// decodeError is the text of a decoding error, made the same for an input and its migrated
// output when they are rejected for the same reason. The API machinery quotes the whole
// document in a missing apiVersion error: the text here leaves it out. A type error names the
// container list but not the container: the text here names neither, since a moved container
// keeps its error. (A document without a kind is not a workload and never gets here.)
func decodeError(err error) string {
	if runtime.IsMissingVersion(err) {
		return "Object 'apiVersion' is missing"
	}
	return containerList.ReplaceAllString(err.Error(), ".(init)containers.")
}

// completeSelector gives an apps/v1 workload without a selector one that matches its pod
// template's labels (and the template a label if it has none).
func completeSelector(obj runtime.Object) {
	var selector **metav1.LabelSelector
	var template *core.PodTemplateSpec
	switch o := obj.(type) {
	case *apps.Deployment:
		selector, template = &o.Spec.Selector, &o.Spec.Template
	case *apps.StatefulSet:
		selector, template = &o.Spec.Selector, &o.Spec.Template
	case *apps.DaemonSet:
		selector, template = &o.Spec.Selector, &o.Spec.Template
	case *apps.ReplicaSet:
		selector, template = &o.Spec.Selector, &o.Spec.Template
	default:
		return
	}
	if *selector != nil {
		return
	}
	if len(template.Labels) == 0 {
		template.Labels = map[string]string{"app": "golden"}
	}
	*selector = &metav1.LabelSelector{MatchLabels: template.Labels}
}

// strategies are the API server's create strategies of the workload kinds.
var strategies = map[string]rest.RESTCreateStrategy{
	"Pod": pod.Strategy, "PodTemplate": podtemplate.Strategy, "ReplicationController": replicationcontroller.Strategy,
	"Deployment": deployment.Strategy, "StatefulSet": statefulset.Strategy, "DaemonSet": daemonset.Strategy,
	"ReplicaSet": replicaset.Strategy, "Job": job.Strategy, "CronJob": cronjob.Strategy,
}

// create runs what the API server runs on a create request for obj before storing it.
func create(obj runtime.Object, gvk schema.GroupVersionKind) []string {
	strategy := strategies[gvk.Kind]
	spec, specPath := podSpec(obj)
	if strategy == nil || spec == nil {
		return []string{fmt.Sprintf("no create strategy or pod spec for %T", obj)}
	}
	meta, err := apimeta.Accessor(obj)
	if err != nil {
		return []string{err.Error()}
	}
	// As kubectl and the API server fill them in.
	if meta.GetNamespace() == "" {
		meta.SetNamespace(metav1.NamespaceDefault)
	}
	if meta.GetName() == "" && meta.GetGenerateName() != "" {
		meta.SetName(meta.GetGenerateName() + "x7k2p")
	}
	rest.FillObjectMetaSystemFields(meta) // a Job's generated selector is built from its uid
	ctx := genericapirequest.WithNamespace(genericapirequest.NewContext(), meta.GetNamespace())
	ctx = genericapirequest.WithRequestInfo(ctx, &genericapirequest.RequestInfo{IsResourceRequest: true, Verb: "create",
		APIGroup: gvk.Group, APIVersion: gvk.Version, Namespace: meta.GetNamespace(), Name: meta.GetName()})
	written := spec.DeepCopy()
	strategy.PrepareForCreate(ctx, obj)
	problems := dropped(written, spec, specPath)
	return append(problems, describe(strategy.Validate(ctx, obj), spec, specPath.String())...)
}

// podSpec returns the pod spec of an internal workload and its field path.
func podSpec(obj runtime.Object) (*core.PodSpec, *field.Path) {
	template := field.NewPath("spec", "template", "spec")
	switch o := obj.(type) {
	case *core.Pod:
		return &o.Spec, field.NewPath("spec")
	case *core.PodTemplate:
		return &o.Template.Spec, field.NewPath("template", "spec")
	case *core.ReplicationController:
		if o.Spec.Template == nil {
			return &core.PodSpec{}, template
		}
		return &o.Spec.Template.Spec, template
	case *apps.Deployment:
		return &o.Spec.Template.Spec, template
	case *apps.StatefulSet:
		return &o.Spec.Template.Spec, template
	case *apps.DaemonSet:
		return &o.Spec.Template.Spec, template
	case *apps.ReplicaSet:
		return &o.Spec.Template.Spec, template
	case *batch.Job:
		return &o.Spec.Template.Spec, template
	case *batch.CronJob:
		return &o.Spec.JobTemplate.Spec.Template.Spec, field.NewPath("spec", "jobTemplate", "spec", "template", "spec")
	}
	return nil, nil
}

// dropped reports the fields that the API server would silently drop: a manifest that relies
// on one does not mean what it says, so it counts as a problem here.
func dropped(written, stored *core.PodSpec, path *field.Path) []string {
	if helper.Semantic.DeepEqual(written.InitContainers, stored.InitContainers) && helper.Semantic.DeepEqual(written.Containers, stored.Containers) {
		return nil
	}
	var out []string
	before := slices.Concat(written.InitContainers, written.Containers)
	after := slices.Concat(stored.InitContainers, stored.Containers)
	for i, c := range before {
		if helper.Semantic.DeepEqual(c, after[i]) {
			continue
		}
		what := "a field"
		if c.RestartPolicy != nil && after[i].RestartPolicy == nil {
			what = "restartPolicy: " + string(*c.RestartPolicy)
		}
		out = append(out, fmt.Sprintf("%s: dropped by the API server (feature gate off): %s", path.Child("container("+c.Name+")"), what))
	}
	return out
}

var containerIndex = regexp.MustCompile(`\.(initContainers|containers|ephemeralContainers)\[(\d+)\]`)

// nameContainers names the container instead of its index in the field paths of text, so
// that moving a container keeps its errors' text: spec.containers[1].image becomes
// spec.container(proxy).image.
func nameContainers(text string, spec *core.PodSpec) string {
	names := map[string][]string{}
	for _, c := range spec.InitContainers {
		names["initContainers"] = append(names["initContainers"], c.Name)
	}
	for _, c := range spec.Containers {
		names["containers"] = append(names["containers"], c.Name)
	}
	for _, c := range spec.EphemeralContainers {
		names["ephemeralContainers"] = append(names["ephemeralContainers"], c.Name)
	}
	return containerIndex.ReplaceAllStringFunc(text, func(m string) string {
		sub := containerIndex.FindStringSubmatch(m)
		var i int
		fmt.Sscan(sub[2], &i)
		if list := names[sub[1]]; i < len(list) {
			return ".container(" + list[i] + ")"
		}
		return m
	})
}

// describe turns validation errors into text, with the containers of their paths named.
func describe(errs field.ErrorList, spec *core.PodSpec, specPath string) []string {
	var out []string
	for _, e := range errs {
		path := e.Field
		if strings.HasPrefix(path, specPath+".") {
			path = nameContainers(path, spec)
		}
		msg := fmt.Sprintf("%s: %s", path, e.Type)
		if e.Detail != "" {
			msg += ": " + e.Detail
		}
		out = append(out, msg)
	}
	return out
}
