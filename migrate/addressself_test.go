package migrate

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestSelfName(t *testing.T) {
	spec := yaml.MustParse(`
hostname: Web-0
subdomain: shop
hostAliases:
- ip: "::1"
  hostnames: [six.local]
- ip: 0.0.0.0
  hostnames: [any.local]
- ip: 10.1.2.3
  hostnames: [db.local]
`).YNode()
	names := podSelfNames(spec)
	for host, self := range map[string]bool{
		"six.local": true, "ANY.local.": true, "web-0": true, "web-0.shop": true,
		"web-0.shop.ns.svc.cluster.local": true, "db.local": false, "web-0.other": false,
		"web-1": false, "shop": false,
	} {
		if got := selfName(host, names) != ""; got != self {
			t.Errorf("selfName(%q) = %v, want %v", host, got, self)
		}
	}
}
