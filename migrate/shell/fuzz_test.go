package shell

import (
	"testing"
)

// FuzzStmtCut cuts each top-level statement of any script that parses: ApplyCuts either
// refuses, or returns a script that parses and holds one statement fewer, the others kept.
func FuzzStmtCut(f *testing.F) {
	for _, seed := range []string{
		"sidecar &\napp\ncurl -X POST localhost:15020/quitquitquit\n",
		"a; b; c",
		"set -e\nrun || true\n# the end\nexit $X\n",
		"trap 'touch /tmp/done' EXIT\nf() {\n  x\n}\nf\n",
		"until curl -s localhost:15021/healthz/ready; do sleep 1; done\nexec app \"$@\"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		file, err := Parse(text)
		if err != nil {
			return
		}
		for i, st := range file.Stmts {
			out, err := ApplyCuts(text, file, []Cut{StmtCut(text, st)}, nil)
			if err != nil {
				continue
			}
			edited, err := Parse(out)
			if err != nil {
				t.Fatalf("cut %d of %q: %q does not parse: %v", i, text, out, err)
			}
			if len(edited.Stmts) != len(file.Stmts)-1 {
				t.Fatalf("cut %d of %q: %q has %d statements, want %d", i, text, out, len(edited.Stmts), len(file.Stmts)-1)
			}
		}
	})
}
