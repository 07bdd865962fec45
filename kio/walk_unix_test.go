//go:build unix

package kio

import (
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCollectNotRegular: a FIFO, given by name or met in a folder, is never opened; it comes
// with one info finding and no error.
func TestCollectNotRegular(t *testing.T) {
	inTree(t)
	require.NoError(t, os.Mkdir("pipes", 0o755))
	require.NoError(t, syscall.Mkfifo("pipes/p.yaml", 0o644))
	require.NoError(t, os.Symlink("p.yaml", "pipes/to-pipe.yaml"))
	inputs, errs := Collect([]string{"pipes", "pipes/p.yaml"}, Filter{})
	assert.Empty(t, errs)
	require.Equal(t, []string{"pipes/p.yaml"}, inputPaths(inputs), "the link and the name reach the same FIFO")
	r := inputs[0].Result
	require.NotNil(t, r)
	require.Len(t, r.Findings, 1)
	assert.Equal(t, "1: info not-regular-file: skipped: a FIFO is not a regular file (reading it could block or never end)", r.Findings[0].String())
}
