package controlcenter

import (
	"strconv"
	"strings"

	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/format"
)

// Where instances find the Control Center.
const (
	EnvURL     = "SPOTLIGHT_CONTROL_CENTER_URL"
	DefaultURL = "http://localhost:8969"
)

// URLFromEnv is the Control Center's URL: $SPOTLIGHT_CONTROL_CENTER_URL,
// else the default sidecar port.
func URLFromEnv(getenv func(string) string) string {
	if u := strings.TrimRight(getenv(EnvURL), "/"); u != "" {
		return u
	}
	return DefaultURL
}

// Label names the instance an envelope of the merged copy came from (the
// model's reading of its OriginHeader): project@port, or direct@port for
// what SDKs sent to the Control Center itself; "" for none.
func Label(in *event.Instance) string {
	if in == nil || in.Port == 0 {
		return ""
	}
	project := format.Plain(in.Project)
	if in.ID == HomeInstance || project == "" {
		project = "direct"
	}
	return project + "@" + strconv.Itoa(in.Port)
}
