package main

import "github.com/spf13/cobra"

// documentCompletion adds cobra's completion command now rather than at Execute, so that its
// help, its examples and the man pages describe it like every other command.
func documentCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	examples := map[string]string{
		"completion": `  source <(sidecar-migrate completion bash)
  sidecar-migrate completion zsh > "${fpath[1]}/_sidecar-migrate"`,
		"bash": `  source <(sidecar-migrate completion bash)   # this shell
  sidecar-migrate completion bash > /etc/bash_completion.d/sidecar-migrate`,
		"zsh":        `  sidecar-migrate completion zsh > "${fpath[1]}/_sidecar-migrate"`,
		"fish":       `  sidecar-migrate completion fish > ~/.config/fish/completions/sidecar-migrate.fish`,
		"powershell": `  sidecar-migrate completion powershell | Out-String | Invoke-Expression`,
	}
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Example = examples["completion"]
		for _, sub := range c.Commands() {
			sub.Example = examples[sub.Name()]
		}
	}
}
