package migrate

import (
	"strings"
	"testing"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
)

// TestScriptReaches: each way a script may reach the volume at /run/lifecycle without
// naming it, and its twin that does not.
func TestScriptReaches(t *testing.T) {
	for _, tc := range []struct {
		script string
		dirs   []string // the container's workingDir, if any
		want   string   // a part of the reason, "" when proven not to reach it
	}{
		{"cd /run\n/app/report --out lifecycle/r.json", nil, "cd /run"},
		{"cd /srv\n/app/report --out out/r.json", nil, ""},
		{"pushd /run/lifecycle\n/app/report\npopd", nil, "pushd /run/lifecycle"},
		{"pushd /srv\n/app/report\npopd", nil, ""},
		{"(cd / && tar czf /srv/x.tgz run)", nil, "cd /"},
		{"(cd /srv && tar czf /srv/x.tgz out)", nil, ""},
		{"tar -C /run -czf /srv/x.tgz lifecycle", nil, "tar -C"},
		{"tar -C /srv -czf /srv/x.tgz out", nil, ""},
		{"make --directory=/run/lifecycle", nil, "--directory="},
		{"git --chdir /run status", nil, "--chdir"},
		{"grep -C 3 error /srv/log", nil, ""},
		{`cd "$WORK"` + "\n/app/report", nil, "cannot follow"},
		{"cd\n/app/report", nil, "its home"},
		{"cd build\n/app/report", nil, "relative to its image's working directory"},
		{"cd build\n/app/report", []string{"/srv"}, ""},
		{"cd ../..\n/app/report", []string{"/run/lifecycle/a/b"}, "on or above"},
		{"/app/report > lifecycle/r.json", nil, "lifecycle/r.json"},
		{"/app/report > lifecycle/r.json", []string{"/srv"}, ""},
		{"/app/report > r.json", []string{"/srv"}, ""},
		{"/app/report --out=run/lifecycle/r.json", nil, "run/lifecycle/r.json"},
		{"OUT=lifecycle/r.json /app/report", nil, "lifecycle/r.json"},
		{"/app/report --out ../r.json", []string{"/srv"}, "climbs"},
		{"./bin/report --out out/r.json", nil, ""},
		{". /etc/profile\n/app/report --out out/r.json", nil, "runs ."},
		{". /etc/profile\n/app/report", nil, ""},
		{"sh -c 'cd /run' \n/app/report --out out/r.json", nil, "cd /run"},
		{"sh -c \"/bin/tool -flag=a -log=/logs/*.log\"", nil, ""},
		{"sh -c \"$SCRIPT\"\n/app/report --out out/r.json", nil, "runs sh"},
		{"sh /app/setup.sh\n/app/report --out out/r.json", nil, "runs sh"},
		{"sh <<'EOF'\ncd /run\ntar czf /srv/x.tgz lifecycle\nEOF", nil, "cd /run"},
		{"sh <<'EOF'\ncd /srv\ntar czf /srv/x.tgz out\nEOF", nil, ""},
		{"sh <<EOF\ncd $DIR\nEOF", nil, "here-document"},
		{"eval \"$SETUP\"\n/app/report --out out/r.json", nil, "runs eval"},
	} {
		f, err := shell.Parse(tc.script)
		if err != nil {
			t.Fatalf("%q: %v", tc.script, err)
		}
		got := scriptReaches(f, tc.dirs, "/run/lifecycle")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("scriptReaches(%q, %v) = %q, want %q", tc.script, tc.dirs, got, tc.want)
		}
	}
}

// TestRelativeUse: a program in exec form, by its words.
func TestRelativeUse(t *testing.T) {
	for _, tc := range []struct {
		words []string
		dirs  []string
		want  string
	}{
		{[]string{"/app/migrate", "--report=lifecycle/r.json"}, nil, "lifecycle/r.json"},
		{[]string{"/app/migrate", "--report=lifecycle/r.json"}, []string{"/srv"}, ""},
		{[]string{"/app/migrate", "-C", "/run", "x"}, []string{"/srv"}, "-C"},
		{[]string{"/app/migrate", "--to=latest"}, nil, ""},
	} {
		got := relativeUse(tc.words, tc.dirs, "/run/lifecycle")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("relativeUse(%q, %v) = %q, want %q", tc.words, tc.dirs, got, tc.want)
		}
	}
}
