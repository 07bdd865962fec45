package gen

import (
	"fmt"
	"strings"
)

// PodItems returns a list object of kind (List, ResourceList) and apiVersion holding n pods,
// each with an app and an Istio proxy that moves: the shape the benchmarks of one large input
// measure.
func PodItems(apiVersion, kind string, n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: %s\nkind: %s\nitems:\n", apiVersion, kind)
	for i := range n {
		fmt.Fprintf(&b, `- apiVersion: v1
  kind: Pod
  metadata:
    name: pod-%d
    labels:
      app.kubernetes.io/name: shop-frontend
  spec:
    containers:
    - name: app
      image: registry.example.com/app:%d
      ports:
      - containerPort: 8080
    - name: istio-proxy
      image: docker.io/istio/proxyv2:1.22.0
`, i, i%7)
	}
	return []byte(b.String())
}
