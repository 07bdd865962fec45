package main

import (
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
)

// TestEveryCommandHasExamples walks the command tree, completion included.
func TestEveryCommandHasExamples(t *testing.T) {
	root := newRootCmd(streams{in: strings.NewReader(""), out: io.Discard, err: io.Discard})
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		if c != root {
			require.NotEmpty(t, c.Example, "%q has no examples", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	require.NotNil(t, findCommand(root, "completion"))
}

func findCommand(root *cobra.Command, name string) *cobra.Command {
	for _, c := range root.Commands() {
		if c.Name() == name {
			return c
		}
	}
	return nil
}

// TestUseColor: NO_COLOR turns auto off; an explicit --color always still wins.
func TestUseColor(t *testing.T) {
	require.True(t, useColor("auto", true, ""))
	require.False(t, useColor("auto", true, "1"))
	require.False(t, useColor("auto", false, ""))
	require.True(t, useColor("always", false, "1"))
	require.False(t, useColor("never", true, ""))
}
