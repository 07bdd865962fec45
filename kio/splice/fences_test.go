package splice

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFence(t *testing.T) {
	for _, c := range []struct {
		line  string
		name  string
		opens bool
		ok    bool
	}{
		{"      # END_PROXY", "proxy", false, true},
		{"# [END web]", "web", false, true},
		{"# end sidecars", "sidecars", false, true},
		{"# </proxy>", "proxy", false, true},
		{"# BEGIN_PROXY", "proxy", true, true},
		{"# [START web]", "web", true, true},
		{"# START generated", "generated", true, true},
		{"# <proxy>", "proxy", true, true},
		{"# END", "", false, true},
		{"# endpoint of the app", "", false, false},
		{"# starting the app takes a while", "", false, false},
		{"# yamllint disable-line rule:line-length", "", false, false},
		{"image: end", "", false, false},
	} {
		name, opens, ok := fence(c.line)
		assert.Equal(t, c.ok, ok, c.line)
		if c.ok {
			assert.Equal(t, c.name, name, c.line)
			assert.Equal(t, c.opens, opens, c.line)
		}
	}
}
