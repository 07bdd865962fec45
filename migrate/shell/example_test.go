package shell_test

import (
	"fmt"

	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
)

// The removal of one statement: its line goes, the rest stays byte for byte.
func ExampleApplyCuts() {
	text := "sidecar &\napp  # the work\ncurl -X POST localhost:15020/quitquitquit\n"
	f, err := shell.Parse(text)
	if err != nil {
		panic(err)
	}
	out, err := shell.ApplyCuts(text, f, []shell.Cut{shell.StmtCut(text, f.Stmts[2])}, nil)
	fmt.Printf("%q %v\n", out, err)
	// Output: "sidecar &\napp  # the work\n" <nil>
}
