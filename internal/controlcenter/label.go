package controlcenter

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/spotlight-dev/spotlight/internal/envelope"
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

// Label names the instance of an envelope of the merged copy, from its
// header: project@port, or direct@port for what SDKs sent to the Control
// Center itself; "" for an envelope without one.
func Label(e *envelope.Envelope) string {
	var h map[string]json.RawMessage
	var o struct {
		InstanceID string `json:"instanceId"`
		Project    string `json:"project"`
		Port       int    `json:"port"`
	}
	if json.Unmarshal(e.Header, &h) != nil || json.Unmarshal(h[OriginHeader], &o) != nil || o.Port == 0 {
		return ""
	}
	project := format.Plain(o.Project)
	if o.InstanceID == HomeInstance || project == "" {
		project = "direct"
	}
	return project + "@" + strconv.Itoa(o.Port)
}
