package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/spotlight-dev/spotlight/internal/controlcenter"
	"github.com/spotlight-dev/spotlight/internal/registry"
)

// Control Center defaults.
const (
	EnvControlCenterURL = controlcenter.EnvURL
	pingTimeout         = 500 * time.Millisecond
)

// ping tells the Control Center about m so it shows the instance at once
// (it would otherwise find the file on its next scan). Best effort: a
// missing Control Center is normal, so failures are debug-logged only. It
// reports whether a Control Center accepted the ping (it then follows this
// instance's events).
func ping(ctx context.Context, base, secret string, m registry.Metadata, logger *slog.Logger) (answered bool) {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	body, err := json.Marshal(m)
	if err != nil {
		return false
	}
	url := base + "/api/instances/ping"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		logger.Debug("cannot ping the Control Center", "url", url, "err", err)
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(registry.SecretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		logger.Debug("Control Center not reached", "url", url, "err", err)
		return false
	}
	resp.Body.Close()
	logger.Debug("pinged the Control Center", "url", url, "status", resp.StatusCode)
	return resp.StatusCode == http.StatusNoContent
}
