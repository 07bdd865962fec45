// Command gentree writes a tree of generated manifests for benchmarks: a realistic mix of
// workloads with and without sidecars, Services, ConfigMaps, CRDs, Helm values and other YAML,
// from 1 KB to 2 MB, the same tree for the same seed.
//
//	go run ./internal/gentree -n 10000 -out /tmp/tree
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/sidecar-migrate/sidecar-migrate/internal/gentree/gen"
)

func main() {
	n := flag.Int("n", 10000, "number of files")
	out := flag.String("out", "", "folder to write (created)")
	seed := flag.Int64("seed", 1, "random seed")
	flag.Parse()
	if *out == "" {
		log.Fatal("gentree: -out is required")
	}
	bytes, err := gen.Tree(*out, *n, *seed)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d files, %.1f MB in %s\n", *n, float64(bytes)/1e6, filepath.Clean(*out))
	os.Exit(0)
}
