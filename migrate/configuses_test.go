package migrate

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestNamedIn(t *testing.T) {
	names := map[string]bool{"job-scripts": true}
	for value, want := range map[string]bool{
		"job-scripts":                          true,
		"web-config,job-scripts":               true,
		"kubectl get configmap job-scripts -o": true,
		"--configmap=job-scripts":              true,
		"ops/job-scripts":                      true,
		"configmap/job-scripts":                true,
		`{"name": "job-scripts"}`:              true, // JSON in a value: quoted, a word
		"cm=$(kubectl get cm job-scripts)":     true,
		"[job-scripts]":                        true,
		"job-scripts-old":                      true, // a nameSuffix, a generator's hash
		"old-job-scripts":                      true, // a namePrefix
		"prod-job-scripts-7c9f2":               true,
		"job-scriptsold":                       false,
		"my-job-script":                        false,
		"/etc/job-scripts":                     false, // a path, not a name
		"a/b/job-scripts":                      false,
		"job-scripts/run.sh":                   false,
		"":                                     false,
	} {
		if got := namedIn(value, names) != ""; got != want {
			t.Errorf("namedIn(%q) = %v, want %v", value, got, want)
		}
	}
}

func TestConfigMapNameUses(t *testing.T) {
	const doc = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: job-scripts
  data:
    self: job-scripts
- apiVersion: batch/v1
  kind: Job
  metadata:
    name: job-scripts
    namespace: job-scripts
    labels: {app: job-scripts}
    annotations:
      reload: job-scripts
      kubectl.kubernetes.io/last-applied-configuration: '{"spec":{"volumes":[{"configMap":{"name":"job-scripts"}}]}}'

    ownerReferences:
    - {kind: CronJob, name: job-scripts}
  spec:
    selector: {matchLabels: {app: job-scripts}}
    template:
      spec:
        serviceAccountName: job-scripts
        imagePullSecrets: [{name: job-scripts}]
        containers:
        - name: job-scripts
          env:
          - name: job-scripts
            value: job-scripts
          - name: B
            valueFrom: {configMapKeyRef: {name: job-scripts, key: k}}
          - name: C
            valueFrom: {secretKeyRef: {name: job-scripts, key: k}}
          volumeMounts: [{name: job-scripts, mountPath: /etc/job-scripts}]
        volumes:
        - name: job-scripts
          configMap: {name: job-scripts}
        - name: s
          secret: {secretName: job-scripts}
- apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata: {name: web}
  spec:
    rules:
    - http:
        paths:
        - backend: {service: {name: job-scripts, port: {number: 80}}}
- kind: Kustomization
  metadata: {name: k}
  patches:
  - target: {kind: ConfigMap, name: job-scripts}
  - target: {kind: Deployment, name: job-scripts}
`
	n, err := yaml.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range ConfigMapNameUses(n.YNode(), map[string]bool{"job-scripts": true}, Options{}) {
		got = append(got, u.Resource.Kind+" "+u.Field)
	}
	want := []string{
		"Job metadata.annotations.reload",
		"Job spec.template.spec.containers[0].env[0].value",
		"Kustomization patches[0].target.name",
	}
	if len(got) != len(want) {
		t.Fatalf("uses = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("use %d = %q, want %q", i, got[i], want[i])
		}
	}
}
