package cli

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/proc"
	"github.com/spotlight-dev/spotlight/internal/registry"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// The list command end to end in-process, with the clock and time zone
// injected: the instance is this test process (alive, its port closed), so
// it is unresponsive, and its uptime follows the injected clock.
func TestListWithInjectedClockAndZone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "instances")
	reg, err := registry.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	start, err := proc.StartTime(context.Background(), os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	port := testutil.FreePort(t)
	m := registry.Metadata{
		InstanceID: "01933c6a-5f00-7000-8000-000000000001", Port: port, PID: os.Getpid(), PIDStartTime: start,
		Command: "npm run dev", CmdArgs: []string{"npm", "run", "dev"}, CWD: "/home/dev/my-app",
		StartTime: "2024-11-20T10:30:45Z", ProjectName: "my-app", DetectedType: "package.json",
	}
	if err := reg.Register(m); err != nil {
		t.Fatal(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	run := func(format string, all bool) (string, string) {
		var out, errOut bytes.Buffer
		env := &Env{
			Out: &out, Err: &errOut, Logger: slog.New(slog.DiscardHandler),
			Getenv: func(k string) string { return map[string]string{registry.EnvDir: dir}[k] },
			Now:    func() time.Time { return time.Date(2024, 11, 20, 10, 32, 0, 0, time.UTC) },
		}
		if err := runList(context.Background(), env, &listOptions{format: format, all: all, loc: berlin}); err != nil {
			t.Fatal(err)
		}
		return out.String(), errOut.String()
	}
	cases := []struct {
		format string
		all    bool
		out    string
		err    string
	}{
		{"human", true, fmt.Sprintf("2024-11-20 11:30:45 [WARN] [spotlight] my-app@%d (npm run dev) - http://localhost:%d (unresponsive)\n", port, port), ""},
		{"logfmt", true, fmt.Sprintf("instanceId=01933c6a-5f00-7000-8000-000000000001 projectName=my-app port=%d command=\"npm run dev\" cwd=/home/dev/my-app pid=%d childPid=0 startTime=2024-11-20T10:30:45Z detectedType=package.json status=unresponsive uptimeSeconds=75\n", port, os.Getpid()), ""},
		{"human", false, "", "No healthy Spotlight instances; 1 unresponsive or orphaned (see `spotlight list --all`).\n"},
		{"json", false, "[]\n", "No healthy Spotlight instances; 1 unresponsive or orphaned (see `spotlight list --all`).\n"},
	}
	for _, c := range cases {
		out, errOut := run(c.format, c.all)
		if out != c.out || errOut != c.err {
			t.Errorf("list -f %s --all=%v:\n got: %q %q\nwant: %q %q", c.format, c.all, out, errOut, c.out, c.err)
		}
	}
}
