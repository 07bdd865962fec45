// Command gentree writes a tree of generated manifests for benchmarks: a realistic mix of
// workloads with and without sidecars, Services, ConfigMaps, CRDs, Helm values and other YAML,
// from 1 KB to 2 MB, the same tree for the same seed. With -install it writes instead one
// multi-document manifest shaped like a project's install manifest (2 MB unless -size).
//
//	go run ./internal/gentree -n 10000 -out /tmp/tree
//	go run ./internal/gentree -kustomize -n 1000 -out /tmp/ktree
//	go run ./internal/gentree -install -out /tmp/install.yaml
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
	out := flag.String("out", "", "folder to write (created), or file with -install")
	seed := flag.Int64("seed", 1, "random seed")
	install := flag.Bool("install", false, "write one install manifest to -out")
	kust := flag.Bool("kustomize", false, "with a kustomization per service folder and overlays")
	size := flag.Int("size", 2<<20, "size in bytes of the -install manifest")
	flag.Parse()
	if *out == "" {
		log.Fatal("gentree: -out is required")
	}
	if *install {
		body := gen.Install(*seed, *size)
		if err := os.WriteFile(*out, []byte(body), 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%.1f MB in %s\n", float64(len(body))/1e6, *out)
		return
	}
	tree := gen.Tree
	if *kust {
		tree = gen.KustomizeTree
	}
	bytes, err := tree(*out, *n, *seed)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d files, %.1f MB in %s\n", *n, float64(bytes)/1e6, filepath.Clean(*out))
}
