package run

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// The docker daemon cannot run here: the tests put the child program first
// on PATH as docker and docker-compose (see testdata/child/compose.go),
// which records how it was run and prints what compose would.

// bridgeIP stands in for the docker0 address: another loopback address, so
// the test can connect to it as a container would to the bridge.
const bridgeIP = "127.0.0.2"

// invocation is what the stand-in recorded.
type invocation struct {
	Argv  []string          `json:"argv"`
	Env   []string          `json:"env"`
	Stdin string            `json:"stdin"`
	Files map[string]string `json:"files"`
}

// composeEnv is runEnv with the stand-ins first on PATH, recording into a
// directory of their own, and the bridge address set to bridgeIP.
func composeEnv(t *testing.T, extra ...string) (env []string, regDir, rec string) {
	t.Helper()
	env, regDir = runEnv(t)
	bin, rec := t.TempDir(), t.TempDir()
	for _, name := range []string{"docker", "docker-compose"} {
		if err := os.Symlink(bins.child, filepath.Join(bin, name)); err != nil {
			t.Fatal(err)
		}
	}
	env = append(env, "PATH="+bin+":"+os.Getenv("PATH"), "STANDIN_DIR="+rec, "SPOTLIGHT_DOCKER_HOST_IP="+bridgeIP,
		"COMPOSE_FILE=", "COMPOSE_PROFILES=", "COMPOSE_PROJECT_NAME=")
	return append(env, extra...), regDir, rec
}

// startRunIn starts `spotlight run -p <free port> args...` in dir.
func startRunIn(t *testing.T, dir string, env []string, args ...string) *testutil.Process {
	t.Helper()
	port := testutil.FreePort(t)
	p := testutil.Start(t, "/bin/sh", env, append([]string{"-c", `cd "$1" && shift && exec "$@"`, "sh", dir, bins.spotlight, "run", "-p", strconv.Itoa(port)}, args...)...)
	p.Port = port
	p.URL = "http://localhost:" + strconv.Itoa(port)
	return p
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readInvocation waits for the stand-in's record; p, when not nil, is the
// spotlight run whose stderr explains a failure.
func readInvocation(t *testing.T, rec string, p *testutil.Process) invocation {
	t.Helper()
	path := filepath.Join(rec, "invocation.json")
	stderr := ""
	if p != nil {
		stderr = p.Stderr.String()
	}
	testutil.Eventually(t, wait, func() bool { _, err := os.Stat(path); return err == nil }, "compose was not run; stderr:\n%s", stderr)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var inv invocation
	if err := json.Unmarshal(data, &inv); err != nil {
		t.Fatal(err)
	}
	return inv
}

// overridePath checks that the argument after the last -f is spotlight's
// private override and returns it.
func overridePath(t *testing.T, argv []string) string {
	t.Helper()
	i := slices.Index(argv, "up")
	if i < 2 || argv[i-2] != "-f" {
		t.Fatalf("argv %q: want -f <override> right before up", argv)
	}
	path := argv[i-1]
	if filepath.Base(path) != "spotlight.compose.yaml" || !strings.HasPrefix(filepath.Base(filepath.Dir(path)), "spotlight-compose-") {
		t.Fatalf("override %q: want spotlight-compose-*/spotlight.compose.yaml", path)
	}
	return path
}

// wantOverride is the override for services on port.
func wantOverride(port int, services ...string) string {
	stream := "http://host.docker.internal:" + strconv.Itoa(port) + "/stream"
	var b strings.Builder
	b.WriteString("services:\n")
	for _, s := range services {
		b.WriteString("  " + s + ":\n    environment:\n")
		b.WriteString("      NEXT_PUBLIC_SENTRY_SPOTLIGHT: " + stream + "\n")
		b.WriteString("      SENTRY_SPOTLIGHT: " + stream + "\n")
		b.WriteString("      SENTRY_TRACES_SAMPLE_RATE: \"1\"\n")
		b.WriteString("    extra_hosts:\n      - host.docker.internal:host-gateway\n")
	}
	return b.String()
}

func envValue(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

func checkOverrideGone(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Errorf("override directory %s still there after spotlight run ended (%v)", filepath.Dir(path), err)
	}
}

// composeLogs reads stdio logs from the stream until every body in want
// has arrived, and returns their attributes by body.
func composeLogs(t *testing.T, sse *testutil.SSE, want ...string) map[string]streamLog {
	t.Helper()
	got := map[string]streamLog{}
	missing := func() bool {
		for _, b := range want {
			if _, ok := got[b]; !ok {
				return true
			}
		}
		return false
	}
	for missing() {
		ev := sse.NextNamed(t, "application/x-sentry-envelope", wait)
		header, items := streamItems(t, ev.Data)
		if sdk, _ := header["sdk"].(map[string]any); sdk["name"] != "sentry.spotlight.stdio" {
			continue
		}
		for _, it := range items {
			var payload struct{ Items []streamLog }
			if err := json.Unmarshal(it[1], &payload); err != nil {
				t.Fatal(err)
			}
			for _, l := range payload.Items {
				got[l.Body] = l
			}
		}
	}
	return got
}

func attr(l streamLog, key string) any { return l.Attributes[key].Value }

// The main case: `spotlight run` in a folder with a compose.yml (and
// its override file) runs `docker compose up` wired to Spotlight.
func TestComposeProjectInTheWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"compose.yml": "name: shop\nservices:\n  web:\n    image: nginx\n    environment:\n      - KEEP=me\n" +
			"  db:\n    image: postgres\n    container_name: shop-db\n  worker:\n    image: busybox\n    profiles: [jobs]\n",
		"compose.override.yml": "services:\n  cache:\n    image: redis\n",
		"output":               "Attaching to cache-1, shop-db, web-1\nweb-1     | hello from web\nshop-db   | ready to accept connections\ncache-1   | Ready to accept connections tcp\n",
	})
	port := testutil.FreePort(t)
	env, regDir, rec := composeEnv(t, "STANDIN_OUTPUT="+filepath.Join(dir, "output"),
		"STANDIN_DSN=http://spotlight@"+bridgeIP+":"+strconv.Itoa(port)+"/0")
	p := testutil.Start(t, "/bin/sh", env, "-c", `cd "$1" && exec "$2" run -p "$3"`, "sh", dir, bins.spotlight, strconv.Itoa(port))
	p.Port, p.URL = port, "http://localhost:"+strconv.Itoa(port)
	testutil.WaitHealthy(t, p, wait)
	sse := testutil.OpenSSE(t, p.URL+"/stream", "")

	inv := readInvocation(t, rec, p)
	override := overridePath(t, inv.Argv)
	if want := []string{"docker", "compose", "-f", "compose.yml", "-f", "compose.override.yml", "-f", override, "up"}; !slices.Equal(inv.Argv, want) {
		t.Errorf("compose ran as %q, want %q", inv.Argv, want)
	}
	if got, want := inv.Files[override], wantOverride(port, "cache", "db", "web", "worker"); got != want {
		t.Errorf("override:\n%s\nwant:\n%s", got, want)
	}
	stream := "http://host.docker.internal:" + strconv.Itoa(port) + "/stream"
	for k, want := range map[string]string{"SENTRY_SPOTLIGHT": stream, "NEXT_PUBLIC_SENTRY_SPOTLIGHT": stream, "SENTRY_TRACES_SAMPLE_RATE": "1"} {
		if got := envValue(inv.Env, k); got != want {
			t.Errorf("compose's environment: %s=%q, want %q", k, got, want)
		}
	}
	for _, want := range []string{"Docker Compose project shop (compose.yml, compose.override.yml), services: cache, db, web\n",
		"containers send to " + stream, bridgeIP + ":" + strconv.Itoa(port), "envelopes only"} {
		if !strings.Contains(p.Stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, p.Stderr)
		}
	}

	logs := composeLogs(t, sse, "hello from web", "ready to accept connections", "Ready to accept connections tcp", "Attaching to cache-1, shop-db, web-1", " Container shop-web-1  Started")
	for body, want := range map[string][2]string{
		"hello from web":                  {"web", "shop-web-1"},
		"ready to accept connections":     {"db", "shop-db"},
		"Ready to accept connections tcp": {"cache", "shop-cache-1"},
	} {
		l := logs[body]
		if attr(l, "service.name") != want[0] || attr(l, "container.name") != want[1] || l.Level != "info" {
			t.Errorf("log %q: level %s, attributes %v; want service.name=%s container.name=%s", body, l.Level, l.Attributes, want[0], want[1])
		}
	}
	for _, body := range []string{"Attaching to cache-1, shop-db, web-1", " Container shop-web-1  Started"} {
		if l := logs[body]; attr(l, "compose.project") != "shop" || attr(l, "service.name") != nil || l.Level != "info" {
			t.Errorf("compose's own line %q: level %s, attributes %v; want an info log of project shop", body, l.Level, l.Attributes)
		}
	}

	// `spotlight tail` shows the same attribution.
	tail := testutil.Start(t, bins.spotlight, env, "tail", "logs", "-f", "json", "-p", strconv.Itoa(port))
	testutil.Eventually(t, wait, func() bool {
		for _, line := range strings.Split(tail.Stdout.String(), "\n") {
			var rec map[string]any
			if json.Unmarshal([]byte(line), &rec) == nil && rec["message"] == "hello from web" {
				return rec["attributes.service.name"] == "web" && rec["attributes.container.name"] == "shop-web-1"
			}
		}
		return false
	}, "spotlight tail logs -f json did not show hello from web with service.name=web, container.name=shop-web-1:\n%s", tail.Stdout)
	tail.Stop(t)

	// The registry and `spotlight list` say what ran.
	m, _ := registered(t, regDir, p)
	if m.DetectedType != "docker-compose" || m.ProjectName != "shop" || m.CWD != dir ||
		!slices.Equal(m.CmdArgs, inv.Argv) || m.Command != strings.Join(m.CmdArgs, " ") {
		t.Errorf("registered %+v; compose ran as %q", m, inv.Argv)
	}
	list := exec.Command(bins.spotlight, "list", "-f", "json")
	list.Env = append(os.Environ(), env...)
	if out, err := list.CombinedOutput(); err != nil || !strings.Contains(string(out), `"detectedType": "docker-compose"`) {
		t.Errorf("spotlight list -f json: %v\n%s", err, out)
	}

	checkBridgeListener(t, port)

	// The stand-in's sentry-go, as an app in a container, sent through the
	// bridge address.
	testutil.Eventually(t, wait, func() bool { return strings.Contains(p.Stderr.String(), "boom from a container") },
		"the error sent to %s was not printed:\n%s", bridgeIP, p.Stderr)

	// `spotlight terminate` stops compose as Ctrl+C would: SIGINT.
	testutil.Eventually(t, wait, func() bool { _, err := os.Stat(filepath.Join(rec, "ready")); return err == nil }, "stand-in not ready")
	term := exec.Command(bins.spotlight, "terminate", m.InstanceID)
	term.Env = append(os.Environ(), env...)
	if out, err := term.CombinedOutput(); err != nil {
		t.Errorf("spotlight terminate: %v\n%s", err, out)
	}
	if code := p.Wait(t, wait); code != 130 {
		t.Errorf("exit %d, want compose's 130; stderr:\n%s", code, p.Stderr)
	}
	if sigs, _ := os.ReadFile(filepath.Join(rec, "signals")); string(sigs) != "SIGINT\n" {
		t.Errorf("compose got signals %q, want SIGINT alone", sigs)
	}
	checkOverrideGone(t, override)
	checkGone(t, regDir)
}

// checkBridgeListener: the bridge address takes envelopes for
// host.docker.internal or itself, and serves nothing else.
func checkBridgeListener(t *testing.T, port int) {
	t.Helper()
	bridge := "http://" + bridgeIP + ":" + strconv.Itoa(port)
	envelope := []byte(`{}` + "\n" + `{"type":"event"}` + "\n" + `{"message":"from a container"}` + "\n")
	docker := "host.docker.internal:" + strconv.Itoa(port)
	for _, host := range []string{docker, bridgeIP + ":" + strconv.Itoa(port)} {
		for _, path := range []string{"/stream", "/api/0/envelope/"} {
			if code := request(t, "POST", bridge+path, host, envelope); code != http.StatusOK {
				t.Errorf("POST %s on the bridge with Host %s: %d, want 200", path, host, code)
			}
		}
	}
	for _, host := range []string{"localhost:" + strconv.Itoa(port), "127.0.0.1", "evil.example"} {
		if code := request(t, "POST", bridge+"/stream", host, envelope); code != http.StatusForbidden {
			t.Errorf("POST /stream on the bridge with Host %s: %d, want 403", host, code)
		}
	}
	for _, req := range [][2]string{{"GET", "/stream"}, {"GET", "/api/envelopes"}, {"GET", "/api/instances"}, {"DELETE", "/clear"},
		{"GET", "/health"}, {"GET", "/"}, {"POST", "/mcp"}, {"GET", "/envelope/0193a000-0000-7000-8000-000000000000"}} {
		if code := request(t, req[0], bridge+req[1], docker, nil); code != http.StatusForbidden {
			t.Errorf("%s %s on the bridge: %d, want 403 (envelopes only)", req[0], req[1], code)
		}
	}
	// Loopback still serves everything.
	if code := request(t, "GET", "http://127.0.0.1:"+strconv.Itoa(port)+"/api/envelopes", "localhost", nil); code != http.StatusOK {
		t.Errorf("GET /api/envelopes on loopback: %d", code)
	}
}

// request sends one request with the Host given and returns its status.
func request(t *testing.T, method, url, host string, body []byte) int {
	t.Helper()
	r, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Host = host
	r.Header.Set("Content-Type", "application/x-sentry-envelope")
	client := &http.Client{Timeout: wait, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Given commands keep the user's flags, files and profiles, in the order
// compose merges them; the files compose would find on its own are made
// explicit, since an -f replaces them.
func TestComposeCommandLines(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   map[string]string
		env     []string
		args    []string
		want    []string // with OVR for the override
		project string
		listed  string
	}{{
		name:    "docker flags, files, profiles and up flags",
		files:   map[string]string{"base.yml": "services:\n  web:\n    image: nginx\n  worker:\n    image: busybox\n    profiles: [jobs]\n", "dev.yml": "services:\n  web:\n    build: .\n"},
		args:    []string{"docker", "--context", "dev", "compose", "-f", "base.yml", "--profile", "jobs", "--file=dev.yml", "up", "--build", "-t", "3", "web"},
		want:    []string{"docker", "--context", "dev", "compose", "-f", "base.yml", "--profile", "jobs", "--file=dev.yml", "-f", "OVR", "up", "--build", "-t", "3", "web"},
		project: "DIR",
		listed:  "services: web\n",
	}, {
		name:    "v1 with its override file",
		files:   map[string]string{"docker-compose.yml": "services:\n  web:\n    image: nginx\n", "docker-compose.override.yml": "services:\n  db:\n    image: postgres\n"},
		args:    []string{"docker-compose", "-p", "myproj", "up"},
		want:    []string{"docker-compose", "-p", "myproj", "-f", "docker-compose.yml", "-f", "docker-compose.override.yml", "-f", "OVR", "up"},
		project: "myproj",
		listed:  "services: db, web\n",
	}, {
		name:    "COMPOSE_FILE and COMPOSE_PROFILES",
		files:   map[string]string{"a.yml": "name: from-file\nservices:\n  web:\n    image: nginx\n", "b.yml": "services:\n  worker:\n    image: busybox\n    profiles: [jobs]\n"},
		env:     []string{"COMPOSE_FILE=a.yml:b.yml", "COMPOSE_PROFILES=jobs"},
		args:    []string{"docker", "compose", "up"},
		want:    []string{"docker", "compose", "-f", "a.yml", "-f", "b.yml", "-f", "OVR", "up"},
		project: "from-file",
		listed:  "services: web, worker\n",
	}, {
		name:    "COMPOSE_PROJECT_NAME and --project-directory",
		files:   map[string]string{"compose.yaml": "name: ignored\nservices:\n  api:\n    image: node\n"},
		env:     []string{"COMPOSE_PROJECT_NAME=named"},
		args:    []string{"docker", "compose", "--project-directory", ".", "up", "-d"},
		want:    []string{"docker", "compose", "--project-directory", ".", "-f", "compose.yaml", "-f", "OVR", "up", "-d"},
		project: "named",
		listed:  "services: api\n",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "My App")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			writeFiles(t, dir, tc.files)
			env, regDir, rec := composeEnv(t, append(tc.env, "STANDIN_EXIT=0")...)
			p := startRunIn(t, dir, env, tc.args...)
			if code := p.Wait(t, wait); code != 0 {
				t.Fatalf("exit %d; stderr:\n%s", code, p.Stderr)
			}
			inv := readInvocation(t, rec, p)
			override := overridePath(t, inv.Argv)
			want := slices.Clone(tc.want)
			want[slices.Index(want, "OVR")] = override
			if !slices.Equal(inv.Argv, want) {
				t.Errorf("compose ran as\n%q\nwant\n%q", inv.Argv, want)
			}
			project := strings.ReplaceAll(tc.project, "DIR", "myapp")
			if !strings.Contains(p.Stderr.String(), "Docker Compose project "+project+" (") || !strings.Contains(p.Stderr.String(), tc.listed) {
				t.Errorf("stderr does not name project %s and %q:\n%s", project, tc.listed, p.Stderr)
			}
			if slices.Contains(tc.args, "-d") && !strings.Contains(p.Stderr.String(), "leave -d out") {
				t.Errorf("up -d without a warning:\n%s", p.Stderr)
			}
			checkOverrideGone(t, override)
			checkGone(t, regDir)
			if tc.args[0] == "docker-compose" {
				validateWithDockerCompose(t, dir, inv, override)
			}
		})
	}
}

// validateWithDockerCompose merges the recorded files with Debian's real
// docker-compose (v1), which checks them against the compose schema
// without a daemon (`config`; installed by make test-deps).
func validateWithDockerCompose(t *testing.T, dir string, inv invocation, override string) {
	t.Helper()
	copied := filepath.Join(t.TempDir(), "spotlight.compose.yaml")
	if err := os.WriteFile(copied, []byte(inv.Files[override]), 0o600); err != nil {
		t.Fatal(err)
	}
	args := slices.Clone(inv.Argv[1:slices.Index(inv.Argv, "up")])
	args[slices.Index(args, override)] = copied
	cmd := exec.Command("/usr/bin/docker-compose", append(args, "config")...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("docker-compose %q config: %v (install Debian's docker-compose: make test-deps)\n%s", args, err, out)
	}
	stream := envValue(inv.Env, "SENTRY_SPOTLIGHT")
	merged := string(out)
	for _, want := range []string{" SENTRY_SPOTLIGHT: " + stream + "\n", " NEXT_PUBLIC_SENTRY_SPOTLIGHT: " + stream + "\n",
		" SENTRY_TRACES_SAMPLE_RATE: '1'\n", " host.docker.internal: host-gateway\n"} {
		if c := strings.Count(merged, want); c != 2 {
			t.Errorf("merged config has %q %d times, want once per service (2):\n%s", want, c, merged)
		}
	}
}

// Without the compose plugin, the detected project runs with
// docker-compose (v1).
func TestComposeV1WhenDockerHasNoPlugin(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"docker-compose.yml": "services:\n  web:\n    image: nginx\n"})
	env, _, rec := composeEnv(t, "STANDIN_NO_PLUGIN=1", "STANDIN_EXIT=0")
	p := startRunIn(t, dir, env)
	if code := p.Wait(t, wait); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, p.Stderr)
	}
	inv := readInvocation(t, rec, p)
	if want := []string{"docker-compose", "-f", "docker-compose.yml", "-f", overridePath(t, inv.Argv), "up"}; !slices.Equal(inv.Argv, want) {
		t.Errorf("compose ran as %q, want %q", inv.Argv, want)
	}
}

// Compose that does not stop on SIGINT is killed after the grace period,
// and the override is still removed.
func TestComposeGraceThenKill(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"compose.yml": "services:\n  web:\n    image: nginx\n"})
	env, regDir, rec := composeEnv(t, "STANDIN_STUBBORN=1")
	p := startRunIn(t, dir, env, "--grace", "300ms")
	testutil.Eventually(t, wait, func() bool { _, err := os.Stat(filepath.Join(rec, "ready")); return err == nil }, "stand-in not ready:\n%s", p.Stderr)
	override := overridePath(t, readInvocation(t, rec, p).Argv)
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.Wait(t, wait); code != 128+int(syscall.SIGKILL) {
		t.Errorf("exit %d, want %d (killed after the grace period); stderr:\n%s", code, 128+int(syscall.SIGKILL), p.Stderr)
	}
	if sigs, _ := os.ReadFile(filepath.Join(rec, "signals")); string(sigs) != "SIGINT\n" {
		t.Errorf("compose got signals %q, want SIGINT, then SIGKILL (unrecordable)", sigs)
	}
	checkOverrideGone(t, override)
	checkGone(t, regDir)
}
