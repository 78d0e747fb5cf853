package mcp_test

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/registry"
	"github.com/spotlight-dev/spotlight/internal/testutil"
	"github.com/spotlight-dev/spotlight/internal/testutil/mcpclient"
)

// TestInstances runs an app under a real `spotlight run` (its own sidecar,
// registered in the test's registry) next to `spotlight mcp` with its own
// sidecar, and reads the app's events through the instance argument.
func TestInstances(t *testing.T) {
	regDir := filepath.Join(t.TempDir(), "instances")
	env := processEnv(regDir)

	appPort := testutil.FreePort(t)
	app := testutil.Start(t, bin, env, "run", "-p", strconv.Itoa(appPort), "sleep", "600")
	app.Port, app.URL = appPort, fmt.Sprintf("http://localhost:%d", appPort)
	var inst registry.Metadata
	testutil.Eventually(t, wait, func() bool {
		reg, err := registry.Open(regDir)
		if err != nil {
			return false
		}
		metas, err := reg.Entries()
		if err != nil || len(metas) != 1 {
			return false
		}
		inst = metas[0]
		return true
	}, "spotlight run never registered; stderr:\n%s", app.Stderr)
	testutil.WaitHealthy(t, app, wait)
	post(t, app.URL, errorEnvelope(t, "inventory is negative", "src/inventory.ts", time.Now(), ""))

	cs, _ := connectStdio(t, env, "-p", strconv.Itoa(testutil.FreePort(t)))

	text := mcpclient.OK(t, cs, "list_instances", nil)
	contains(t, "list_instances", text, "| Project | Port | Type | Command | Started | PID | URL | Status |",
		"| "+inst.ProjectName+" | "+strconv.Itoa(appPort)+" | command | sleep 600 |", app.URL, "healthy", inst.InstanceID)

	// This MCP server's own sidecar is empty; the app's has the error.
	contains(t, "own sidecar", mcpclient.OK(t, cs, "search_errors", nil), "No errors")
	for _, ref := range []any{appPort, strconv.Itoa(appPort), inst.InstanceID, inst.InstanceID[:13], inst.ProjectName} {
		text := mcpclient.OK(t, cs, "search_errors", map[string]any{"instance": ref})
		contains(t, fmt.Sprintf("instance %v", ref), text, "inventory is negative", app.URL)
	}
	toolError(t, cs, "search_errors", map[string]any{"instance": inst.InstanceID[:4]}, "list_instances")
	// This MCP server's sidecar watches the registry, so it follows the app:
	// "all" reads every instance's events, each tagged with its instance.
	label := inst.ProjectName + "@" + strconv.Itoa(appPort)
	testutil.Eventually(t, wait, func() bool {
		text, isErr := mcpclient.Call(t, cs, "search_errors", map[string]any{"instance": "all"})
		return !isErr && strings.Contains(text, "inventory is negative") && strings.Contains(text, label)
	}, "instance all does not show the app's error labelled %s", label)

	// The app stops: its instance is gone, and reading it says so.
	app.Stop(t)
	contains(t, "after the app stopped", mcpclient.OK(t, cs, "list_instances", nil), "No Spotlight instances")
	toolError(t, cs, "search_errors", map[string]any{"instance": appPort}, "no Spotlight sidecar answers")
	// Its events outlive it in the merged copy.
	contains(t, "instance all after the app stopped", mcpclient.OK(t, cs, "search_errors", map[string]any{"instance": "all"}), "inventory is negative", label)
}
