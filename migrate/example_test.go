package migrate_test

import (
	"fmt"

	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A Deployment whose Cloud SQL proxy is listed among its containers: Migrate moves it to
// initContainers with restartPolicy: Always, in place.
func ExampleMigrate() {
	doc := yaml.MustParse(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: example.com/web:1.0
      - name: cloud-sql-proxy
        image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0
`)
	res := migrate.Migrate(doc, migrate.Options{})
	for _, f := range res.Findings {
		fmt.Println(f.Rule, f.Container, f.Fixed)
	}
	fmt.Println(res.Stats.Sidecars, res.Changed(), res.Failed())
	// Output:
	// image-cloud-sql-proxy-v2 cloud-sql-proxy true
	// 1 true false
}
