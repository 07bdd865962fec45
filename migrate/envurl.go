package migrate

import (
	"net/url"
	"regexp"
)

// A stop call whose URL comes from the container's env (`curl -X POST
// $ISTIO_QUIT_API/quitquitquit`, with ISTIO_QUIT_API set for scuttle) is not read exactly:
// the script may change the variable. It stays with a warning that names the value, so that
// it is not left silently.
var envStopURL = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?(/(?:quitquitquit|shutdown))\b`)

// envURLStop returns, for a statement that calls a stop endpoint through an env var, the port
// the container's env gives it (or "") and why it stays; why is "" when there is no such call.
func envURLStop(app container, src string) (port, why string) {
	m := envStopURL.FindStringSubmatch(src)
	if m == nil {
		return "", ""
	}
	value, set := app.env[m[1]]
	if !set || value == "" {
		return "", "its URL comes from $" + m[1] + ", which the container's env does not set; write the URL literally and run again"
	}
	if u, err := url.Parse(value); err == nil {
		port = u.Port()
	}
	return port, "its URL comes from $" + m[1] + " (" + value + m[2] + " in the container's env), which this run does not expand; write the URL literally and run again"
}
