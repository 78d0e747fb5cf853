package runner

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/registry"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// A SIGINT/SIGTERM that arrives while the sidecar starts, before Run catches
// signals itself, ends the caller's context: with no child to forward it to,
// the command must not be started at all (it would run on, unasked).
func TestSignalBeforeTheChildStartsRunsNothing(t *testing.T) {
	dir := t.TempDir()
	regDir := filepath.Join(t.TempDir(), "instances")
	marker := filepath.Join(dir, "ran")
	env := map[string]string{
		registry.EnvDir:     regDir,
		EnvControlCenterURL: "http://127.0.0.1:" + strconv.Itoa(testutil.FreePort(t)),
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("interrupt signal received"))
	var stderr bytes.Buffer
	code, err := Run(ctx, Options{
		Args:   []string{"/bin/sh", "-c", "touch " + marker},
		Dir:    dir,
		Getenv: func(k string) string { return env[k] },
		Stdin:  strings.NewReader(""),
		Stdout: &bytes.Buffer{},
		Stderr: &stderr,
	})
	if code != 1 || err == nil || !strings.Contains(err.Error(), "interrupt signal received") || !strings.Contains(err.Error(), "nothing was run") {
		t.Errorf("code %d, err %v; want 1 and an error saying nothing was run", code, err)
	}
	if _, statErr := os.Stat(marker); statErr == nil {
		t.Error("the command ran although spotlight was stopped before starting it")
	}
	if files, _ := filepath.Glob(filepath.Join(regDir, "*instance*")); len(files) != 0 {
		t.Errorf("registry files left: %v", files)
	}
}
