package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/sidecar-migrate/sidecar-migrate/kustomize"
	"github.com/sidecar-migrate/sidecar-migrate/migrate"
	"github.com/spf13/cobra"
)

// Exit statuses, as in the README.
const (
	exitOK      = 0
	exitPending = 1 // changes pending under --exit-code
	exitFailed  = 2 // bad usage, or some input could not be processed
)

// exitError carries an exit status through cobra's error return.
type exitError struct {
	code int
	msg  string // printed on stderr when not empty
}

func (e *exitError) Error() string { return e.msg }

// errPending is returned when --exit-code is set and changes remain.
var errPending = &exitError{code: exitPending}

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		if e.msg != "" {
			fmt.Fprintln(stderr, "sidecar-migrate:", e.msg)
		}
		return e.code
	}
	fmt.Fprintln(stderr, "sidecar-migrate:", err)
	return exitFailed
}

// globalOptions are the flags shared by every command.
type globalOptions struct {
	configFile       string
	kubeVersion      string
	allowFeatureGate bool
	placement        string
	keepHacks        bool
	include, exclude []string
	color            string
	quiet            bool
	jobs             int
	startupProbe     string
	meshNative       []string

	migrate migrate.Options // completed from the flags and the config file
	// repository is the kustomize plan of the paths, when a command made it before the run.
	repository *kustomize.Plan
	// signals, when set, handles the signals of the whole command (apply's writes too).
	signals *interrupt
}

func newRootCmd(s streams) *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "sidecar-migrate",
		Short: "Move Kubernetes legacy sidecars to native sidecars",
		Long: `sidecar-migrate moves helper containers that sit in a pod's containers (service mesh
proxies, database proxies, log shippers, ...) into initContainers with restartPolicy: Always,
the native sidecars of Kubernetes 1.29+, keeping every comment and the file's formatting.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       toolVersion(),
	}
	root.SetVersionTemplate(versionText())
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{code: exitFailed, msg: err.Error()}
	})
	f := root.PersistentFlags()
	f.StringVar(&g.configFile, "config", "", "options file (same schema as the KRM functionConfig spec); default: .sidecar-migrate.yaml in the current folder or the repository root")
	f.StringVar(&g.kubeVersion, "kube-version", "1.33", "Kubernetes version of the target cluster (X.Y)")
	f.BoolVar(&g.allowFeatureGate, "allow-feature-gate", false, "allow --kube-version 1.28, where native sidecars need the SidecarContainers feature gate")
	f.StringVar(&g.placement, "placement", "", "where sidecars go in initContainers: after-init (default) or before-init")
	f.BoolVar(&g.keepHacks, "keep-hacks", false, "leave Job workarounds alone (a Job's sidecar that a kept workaround stops is not moved)")
	f.StringSliceVar(&g.include, "include", nil, "only files matching these globs, relative to the current folder as in git (\"**\" crosses folders; a glob without / matches the base name)")
	f.StringSliceVar(&g.exclude, "exclude", nil, "skip files matching these globs (as --include)")
	f.StringVar(&g.color, "color", "auto", "colour the diff: auto, always or never")
	f.BoolVarP(&g.quiet, "quiet", "q", false, "print only warnings and errors (no info findings, no summary)")
	f.IntVar(&g.jobs, "jobs", 0, "files processed in parallel (default GOMAXPROCS)")
	f.StringVar(&g.startupProbe, "startup-probe", "", "from-readiness: give a moved sidecar with a readinessProbe a startupProbe with the same handler")
	f.StringSliceVar(&g.meshNative, "mesh-native", nil, "istio, linkerd or linkerd@2.N (the key of that Linkerd release): add the mesh's native-sidecar annotation to pod templates that opt into injection")

	root.AddCommand(newDiffCmd(g, s), newApplyCmd(g, s), newFnCmd(g, s), newReportCmd(g, s), newRulesCmd(s), newVersionCmd(s))
	documentCompletion(root)
	return root
}

// complete fills g.migrate from the config file and the flags (flags win) and checks them.
func (g *globalOptions) complete(cmd *cobra.Command) error {
	// Without --config, the folder's or the repository's options file; a KRM function gets
	// its options from its functionConfig only. --config "" turns discovery off.
	if !cmd.Flags().Changed("config") && cmd.Name() != "fn" {
		if dir, err := os.Getwd(); err == nil {
			g.configFile = discoverConfig(dir)
		}
	}
	if g.configFile != "" {
		opts, err := loadOptions(g.configFile)
		if err != nil {
			return &exitError{code: exitFailed, msg: err.Error()}
		}
		g.migrate = opts
	}
	if cmd.Flags().Changed("placement") || g.migrate.Placement == "" {
		g.migrate.Placement = migrate.Placement(g.placement)
	}
	if g.keepHacks {
		g.migrate.KeepHacks = true
	}
	if cmd.Flags().Changed("kube-version") || g.migrate.KubeVersion == "" {
		g.migrate.KubeVersion = g.kubeVersion
	}
	if g.allowFeatureGate {
		g.migrate.AllowFeatureGate = true
	}
	if cmd.Flags().Changed("startup-probe") {
		g.migrate.StartupProbe = g.startupProbe
	}
	if len(g.meshNative) > 0 {
		g.migrate.MeshNative = g.meshNative
	}
	if err := g.migrate.Validate(); err != nil {
		if g.configFile != "" {
			err = fmt.Errorf("%w (options from the flags and %s)", err, g.configFile)
		}
		return &exitError{code: exitFailed, msg: err.Error()}
	}
	if g.jobs < 0 {
		return &exitError{code: exitFailed, msg: fmt.Sprintf("--jobs %d: want a positive number, or 0 for GOMAXPROCS", g.jobs)}
	}
	switch g.color {
	case "auto", "always", "never":
	default:
		return &exitError{code: exitFailed, msg: fmt.Sprintf("--color %q: want auto, always or never", g.color)}
	}
	return nil
}

// isTerminal reports whether w is a terminal, for colour and progress output.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// loadOptions reads the --config file.
func loadOptions(path string) (migrate.Options, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return migrate.Options{}, err
	}
	opts, err := migrate.DecodeOptions(data) // checked by complete, once the flags are in
	if err != nil {
		return opts, fmt.Errorf("%s: %w", path, err)
	}
	return opts, nil
}
