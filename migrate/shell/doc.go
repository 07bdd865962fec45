// Package shell reads and edits the shell scripts that containers run (the script of
// `sh -c SCRIPT`), through mvdan.cc/sh's syntax tree. It knows shell syntax, not what a
// command means: deciding that a statement is a workaround is left to package migrate.
//
// The main entry points:
//
//   - Parse parses a script (bash grammar, which covers sh, ash and dash); Print prints a
//     node the way the shell printer does, which is how statements are compared.
//   - CallName, LeadingCall, WordText, HasArg, Expands and the Func* helpers walk a parsed
//     script: the command a statement runs, a word's literal value, the functions it declares.
//   - A Cut is a byte range of the script (a textedit.Edit) taken from the parser's positions
//     (Pos().Offset()); StmtCut cuts one statement with its separator and, when it stood
//     alone, its line, so the user's formatting around it survives.
//   - ApplyCuts makes the cuts and proves the result: the edited script must parse and keep,
//     in order, every top-level statement that was not cut. EditedStmt does the same for the
//     cuts inside one statement.
//
// ExampleApplyCuts shows the removal of one statement.
//
// Edits are made by byte ranges, never by printing the tree again, so comments, quoting and
// line breaks the cuts do not touch stay as written.
package shell
