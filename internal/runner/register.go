package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/spotlight-dev/spotlight/internal/registry"
)

// Control Center defaults.
const (
	EnvControlCenterURL     = "SPOTLIGHT_CONTROL_CENTER_URL"
	DefaultControlCenterURL = "http://localhost:8969"
	pingTimeout             = 500 * time.Millisecond
)

// controlCenterURL is where pings go: $SPOTLIGHT_CONTROL_CENTER_URL, else the
// default sidecar port.
func controlCenterURL(getenv func(string) string) string {
	if u := strings.TrimRight(getenv(EnvControlCenterURL), "/"); u != "" {
		return u
	}
	return DefaultControlCenterURL
}

// ping tells the Control Center about m so it shows the instance at once
// (it would otherwise find the file on its next scan). Best effort: a
// missing Control Center is normal, so failures are debug-logged only.
func ping(ctx context.Context, base string, m registry.Metadata, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	body, err := json.Marshal(m)
	if err != nil {
		return
	}
	url := base + "/api/instances/ping"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		logger.Debug("cannot ping the Control Center", "url", url, "err", err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		logger.Debug("Control Center not reached", "url", url, "err", err)
		return
	}
	resp.Body.Close()
	logger.Debug("pinged the Control Center", "url", url, "status", resp.StatusCode)
}
