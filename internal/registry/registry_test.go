package registry

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func testMetadata(t *testing.T) Metadata {
	t.Helper()
	return Metadata{
		InstanceID:   uuid.Must(uuid.NewV7()).String(),
		Port:         54321,
		PID:          os.Getpid(),
		PIDStartTime: 1732098645000,
		Command:      "npm run dev",
		CmdArgs:      []string{"npm", "run", "dev"},
		CWD:          "/home/dev/my-app",
		StartTime:    "2024-11-20T10:30:45Z",
		ProjectName:  "my-app",
		DetectedType: "package.json",
	}
}

func openTemp(t *testing.T, opts ...Option) *Registry {
	t.Helper()
	r, err := Open(filepath.Join(t.TempDir(), "a", "instances"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDirFromEnv(t *testing.T) {
	env := map[string]string{"USER": "alice", "USERNAME": "alice"}
	getenv := func(k string) string { return env[k] }
	want := filepath.Join("/tmp", "spotlight-alice", "instances")
	if runtime.GOOS == "windows" {
		want = filepath.Join(os.TempDir(), "spotlight-alice", "instances")
	}
	if got := DirFromEnv(getenv); got != want {
		t.Errorf("default dir = %q, want %q", got, want)
	}
	env[EnvDir] = "/x/y"
	if got := DirFromEnv(getenv); got != "/x/y" {
		t.Errorf("with %s: %q", EnvDir, got)
	}
	env = map[string]string{"USER": "../../etc"}
	if got := DirFromEnv(getenv); strings.Contains(got, "..") {
		t.Errorf("user name with a path escaped: %q", got)
	}
}

func TestOpenCreatesPrivateDir(t *testing.T) {
	r := openTemp(t)
	fi, err := os.Lstat(r.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		t.Errorf("mode %o, want 700", fi.Mode().Perm())
	}
	if _, err := Open(r.Dir()); err != nil {
		t.Errorf("reopening: %v", err)
	}
}

func TestRegisterUnregister(t *testing.T) {
	r := openTemp(t)
	m := testMetadata(t)
	if err := r.Register(m); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(r.Dir(), "instance_"+m.InstanceID+".json")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %o, want 600", fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"instanceId", "port", "pid", "pidStartTime", "childPid", "childPidStartTime", "command", "cmdArgs", "cwd", "startTime", "projectName", "detectedType"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("field %s missing in %s", k, data)
		}
	}
	if len(fields) != 12 {
		t.Errorf("want exactly 12 fields, got %d: %s", len(fields), data)
	}
	entries, _ := os.ReadDir(r.Dir())
	if len(entries) != 1 {
		t.Errorf("temp file left behind: %v", entries)
	}
	if err := r.Unregister(m.InstanceID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("file still there: %v", err)
	}
	if err := r.Unregister(m.InstanceID); err != nil {
		t.Errorf("second unregister: %v", err)
	}
}

func TestRegisterRejectsInvalid(t *testing.T) {
	r := openTemp(t)
	for name, mod := range map[string]func(*Metadata){
		"path id":  func(m *Metadata) { m.InstanceID = "../../x" },
		"port 0":   func(m *Metadata) { m.Port = 0 },
		"port big": func(m *Metadata) { m.Port = 70000 },
		"pid":      func(m *Metadata) { m.PID = -1 },
	} {
		m := testMetadata(t)
		mod(&m)
		if err := r.Register(m); err == nil {
			t.Errorf("%s: registered %+v", name, m)
		}
	}
	if entries, _ := os.ReadDir(r.Dir()); len(entries) != 0 {
		t.Errorf("files written for invalid metadata: %v", entries)
	}
	if err := r.Unregister("../x"); err == nil {
		t.Error("unregister accepted a path")
	}
}
