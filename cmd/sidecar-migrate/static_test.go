package main

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDockerfile checks what the image promises without a container engine: the binary is
// built static for the target platform and stamped with the version, the image carries the
// OCI labels, has no libc, runs as nobody, and starts fn unless given another command.
func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("../../Dockerfile")
	require.NoError(t, err)
	text := string(data)
	require.Regexp(t, `(?m)^RUN CGO_ENABLED=0 GOOS=\$TARGETOS GOARCH=\$TARGETARCH go build .*-X main.version=\$\{VERSION\} -X main.commit=\$\{COMMIT\}.*\./cmd/sidecar-migrate$`, text)
	require.Regexp(t, `(?m)^FROM (gcr\.io/distroless/static\S*|scratch)$`, text, "the last stage has no libc")
	for _, label := range []string{"source", "version", "licenses"} {
		require.Regexp(t, `org\.opencontainers\.image\.`+label+`="[^"]+"`, text)
	}
	require.Contains(t, text, `org.opencontainers.image.licenses="Apache-2.0"`)
	require.Regexp(t, `(?m)^USER 65534:65534$`, text, "nobody")
	require.Regexp(t, `(?m)^ENTRYPOINT \["/usr/local/bin/sidecar-migrate"\]\nCMD \["fn"\]$`, text, "fn by default, any command when given one")
}

// TestStaticBinary builds the binary with the Dockerfile's build flags and checks that it
// is static (no ELF interpreter, no shared library), so it runs on distroless or scratch, and
// that it works there as a function.
func TestStaticBinary(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the container image is linux only")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	data, err := os.ReadFile("../../Dockerfile")
	require.NoError(t, err)
	flags := regexp.MustCompile(`(?m)^RUN CGO_ENABLED=0 GOOS=\$TARGETOS GOARCH=\$TARGETARCH go build -trimpath -ldflags "([^"]*)" -o \S+ \./cmd/sidecar-migrate$`).FindSubmatch(data)
	require.NotNil(t, flags, "the Dockerfile's build line changed: update this test")
	ldflags := strings.NewReplacer("${VERSION}", "v9.8.7", "${COMMIT}", "0123456789abcdef").Replace(string(flags[1]))

	bin := filepath.Join(t.TempDir(), "sidecar-migrate")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", ldflags, "-o", bin, ".")
	build.Env = append(build.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	f, err := elf.Open(bin)
	require.NoError(t, err)
	defer f.Close()
	for _, p := range f.Progs {
		require.NotEqual(t, elf.PT_INTERP, p.Type, "the binary asks for a dynamic loader")
	}
	libs, err := f.ImportedLibraries()
	require.NoError(t, err)
	require.Empty(t, libs)
	out, err = exec.Command("go", "version", "-m", bin).Output()
	require.NoError(t, err)
	require.Contains(t, string(out), "CGO_ENABLED=0")

	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, err = exec.Command(bin, args...).Output()
		require.NoError(t, err)
		require.Equal(t, "sidecar-migrate v9.8.7\ncommit 0123456789abcdef\n"+runtime.Version()+"\n", string(out), "stamped as a release")
	}

	// As the image runs it: no environment, nothing but the binary.
	fn := exec.Command(bin, "fn")
	fn.Env = []string{}
	fn.Dir = t.TempDir()
	fn.Stdin = bytes.NewBufferString(`apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: web}
  spec:
    containers:
    - name: web
      image: example.com/web:1
    - name: istio-proxy
      image: docker.io/istio/proxyv2:1.24.2
`)
	out, err = fn.Output()
	require.NoError(t, err)
	require.Contains(t, string(out), "initContainers:\n    - name: istio-proxy\n      restartPolicy: Always\n")
}
