package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"sidecar-migrate": main,
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: the real binary on real files,
// and with the real kustomize and helm binaries named by $KUSTOMIZE and $HELM (the Makefile
// installs them). Scripts that need those binaries skip without them, unless
// SIDECAR_MIGRATE_E2E=required, as under make test, where their absence is an error.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			env.Setenv("HOME", env.WorkDir)
			path := env.Getenv("PATH")
			for _, tool := range []string{"KUSTOMIZE", "HELM"} {
				bin := os.Getenv(tool)
				if _, err := os.Stat(bin); err != nil {
					if os.Getenv("SIDECAR_MIGRATE_E2E") == "required" {
						return fmt.Errorf("$%s=%q: %v (make tools installs it)", tool, bin, err)
					}
					continue
				}
				path = filepath.Dir(bin) + string(os.PathListSeparator) + path
			}
			env.Setenv("PATH", path)
			return nil
		},
	})
}
