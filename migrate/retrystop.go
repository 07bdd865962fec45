package migrate

import (
	"github.com/sidecar-migrate/sidecar-migrate/migrate/shell"
	"mvdan.cc/sh/v3/syntax"
)

// Stop calls as they are written in the wild: retried until the proxy answers
// (`until curl -fsI -X POST http://localhost:15020/quitquitquit; do sleep 3; done`), and
// guarded by a switch of the script (`if [[ "$ISTIO_PROXY_EXIT" == "true" ]]; then ...; fi`).
// Such a statement goes whole when what it wraps is only stop calls: the loop's body only
// waits or prints progress, and the guard only tests words that expand nothing.

// retriedStop returns what a loop stops when it only retries stop calls: `until STOP; do
// sleep N; done` or `while ! STOP; ...`, whose body only sleeps or prints progress.
func (sc stopScan) retriedStop(text string, st *syntax.Stmt, loop *syntax.WhileClause) ([]hit, bool) {
	if len(loop.Cond) != 1 || len(st.Redirs) > 0 || loop.Until == loop.Cond[0].Negated {
		return nil, false
	}
	cond := *loop.Cond[0]
	cond.Negated = false
	hits, ok := sc.only(text, &cond, false)
	if !ok || len(hits) == 0 || !onlyWaits(loop.Do, true) {
		return nil, false
	}
	return hits, true
}

// guardedStop returns what an if statement stops when its condition only tests the
// script's own words (no command substitution, arithmetic or assignment) and its branch
// only stops sidecars, with progress messages; an else branch keeps it.
func (sc stopScan) guardedStop(text string, st *syntax.Stmt, ifc *syntax.IfClause) ([]hit, bool) {
	if ifc.Else != nil || len(st.Redirs) > 0 || !pureTests(ifc.Cond) {
		return nil, false
	}
	var hits []hit
	for _, s := range ifc.Then {
		if _, name := shell.CallName(s); (name == "echo" || name == "printf") && len(s.Redirs) == 0 && !shell.Expands(s) {
			continue
		}
		h, ok := sc.only(text, s, false)
		if !ok {
			return nil, false
		}
		hits = append(hits, h...)
	}
	return hits, len(hits) > 0
}

// onlyWaits reports whether statements only sleep or print (progress dots), with nothing
// that expands a command; print says echo and printf count.
func onlyWaits(stmts []*syntax.Stmt, print bool) bool {
	for _, s := range stmts {
		_, name := shell.CallName(s)
		switch {
		case s.Background || len(s.Redirs) > 0 || shell.Expands(s):
			return false
		case name == "sleep" || isTrue(s):
		case print && (name == "echo" || name == "printf"):
		default:
			return false
		}
	}
	return len(stmts) > 0
}

// pureTests reports whether every statement is a test ([[ ]], [ ], test) of words that
// expand nothing but parameters: it reads the script's state and changes none.
func pureTests(stmts []*syntax.Stmt) bool {
	for _, s := range stmts {
		if s.Background || len(s.Redirs) > 0 || shell.Expands(s) {
			return false
		}
		if _, ok := s.Cmd.(*syntax.TestClause); ok {
			continue
		}
		if _, name := shell.CallName(s); name != "[" && name != "test" {
			return false
		}
	}
	return len(stmts) > 0
}

// wrappedProblem says why a stop call inside a loop or an if stays, or "" when the
// statement is neither.
func wrappedProblem(st *syntax.Stmt) string {
	switch c := st.Cmd.(type) {
	case *syntax.WhileClause:
		return "the call is retried by a loop that does more than sleep or print progress; remove the loop by hand if it only stops the sidecar"
	case *syntax.IfClause:
		if c.Else != nil {
			return "the call is inside an if with an else branch that does other work; remove the call and its branch by hand"
		}
		return "the call is inside an if whose condition runs a command or whose branch does more than stop the sidecar; remove it by hand if it only stops the sidecar"
	}
	return ""
}
