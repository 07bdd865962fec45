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
// and with the real kustomize, Helm 3 and Helm 4 binaries named by $KUSTOMIZE, $HELM and
// $HELM4 (the Makefile installs them). Scripts that need those binaries skip without them,
// unless SIDECAR_MIGRATE_E2E=required, as under make test, where a missing kustomize or Helm 3
// is an error. Helm 4 takes minutes to build, so it runs under make test-helm4 only.
func TestScripts(t *testing.T) {
	pluginDir, err := filepath.Abs("../../plugins/helm-sidecar-migrate")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		// Under the test's own temporary folder, which is removed even when -run selects
		// some scripts only (testscript removes its own root only after every script ran).
		WorkdirRoot: t.TempDir(),
		Setup: func(env *testscript.Env) error {
			env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("SIDECAR_MIGRATE_PLUGIN", pluginDir)
			path := env.Getenv("PATH")
			for _, tool := range []string{"KUSTOMIZE", "HELM", "HELM4"} {
				bin := os.Getenv(tool)
				if _, err := os.Stat(bin); err != nil {
					if os.Getenv("SIDECAR_MIGRATE_E2E") == "required" && tool != "HELM4" {
						return fmt.Errorf("$%s=%q: %v (make tools installs it)", tool, bin, err)
					}
					continue
				}
				if tool == "HELM4" {
					// Both Helms are called helm: scripts run this one as $HELM4.
					env.Setenv(tool, bin)
					continue
				}
				path = filepath.Dir(bin) + string(os.PathListSeparator) + path
			}
			env.Setenv("PATH", path)
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "root" { // git refuses a repository owned by another user: only root can make one
				return os.Geteuid() == 0, nil
			}
			if cond != "helm4" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			_, err := os.Stat(os.Getenv("HELM4"))
			return err == nil, nil
		},
	})
}
