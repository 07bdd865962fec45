package migrate

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// lastSegments is the tail of strings.Split, joined again, without the allocations.
func TestLastSegments(t *testing.T) {
	for _, s := range []string{"", "a", "a/b", "a//b", "/a", "a/", "istio/proxyv2", "x/y/z/w"} {
		for n := 1; n <= 4; n++ {
			segs := strings.Split(s, "/")
			want, wantOK := "", len(segs) >= n
			if wantOK {
				want = strings.Join(segs[len(segs)-n:], "/")
			}
			got, ok := lastSegments(s, n)
			assert.Equal(t, wantOK, ok, "%q, %d", s, n)
			if ok {
				assert.Equal(t, want, got, "%q, %d", s, n)
			}
		}
	}
}
