package compose

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		argv []string
		ok   bool
		want Invocation // Argv and up are not compared
	}{
		{[]string{"docker", "compose", "up"}, true, Invocation{}},
		{[]string{"/usr/bin/docker", "-H", "unix:///x", "--debug", "compose", "-fa.yml", "-p", "p", "--profile=jobs", "--project-directory", "d", "up", "-d", "--scale", "web=2", "web", "--", "-odd"},
			true, Invocation{Files: []string{"a.yml"}, ProjectName: "p", Profiles: []string{"jobs"}, ProjectDir: "d", Services: []string{"web", "-odd"}, Detach: true}},
		{[]string{"docker-compose", "--file", "x.yml", "--verbose", "up", "--build"}, true, Invocation{V1: true, Files: []string{"x.yml"}}},
		{[]string{"docker", "compose", "logs", "-f"}, false, Invocation{}},
		{[]string{"docker", "run", "up"}, false, Invocation{}},
		{[]string{"docker", "compose", "-f"}, false, Invocation{}},
		{[]string{"node", "up"}, false, Invocation{}},
		{nil, false, Invocation{}},
	} {
		got, ok := Parse(tc.argv)
		if ok != tc.ok {
			t.Errorf("Parse(%q) ok = %v, want %v", tc.argv, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		got.Argv, got.up = nil, 0
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q) = %+v, want %+v", tc.argv, got, tc.want)
		}
	}
}

func TestCommandPutsTheOverrideLast(t *testing.T) {
	inv, _ := Parse([]string{"docker", "compose", "--profile", "x", "up", "web"})
	if got, want := inv.Command([]string{"compose.yml", "compose.override.yml"}, "/tmp/o.yaml"),
		[]string{"docker", "compose", "--profile", "x", "-f", "compose.yml", "-f", "compose.override.yml", "-f", "/tmp/o.yaml", "up", "web"}; !slices.Equal(got, want) {
		t.Errorf("Command = %q, want %q", got, want)
	}
	inv, _ = Parse([]string{"docker-compose", "-f", "mine.yml", "up"})
	if got, want := inv.Command([]string{"mine.yml"}, "/o"), []string{"docker-compose", "-f", "mine.yml", "-f", "/o", "up"}; !slices.Equal(got, want) {
		t.Errorf("Command = %q, want %q", got, want)
	}
}

func TestSplitLine(t *testing.T) {
	for _, tc := range []struct {
		line, label, body string
		ok                bool
	}{
		{"web-1  | hello | world", "web-1", "hello | world", true},
		{"shop_db_1 | ready", "shop_db_1", "ready", true},
		{"web-1  |", "web-1", "", true},
		{"\x1b[36mweb-1  |\x1b[0m \x1b[1mbold\x1b[0m", "web-1", "\x1b[1mbold\x1b[0m", true},
		{"Attaching to web-1, db-1", "", "", false},
		{"web-1 exited with code 0", "", "", false},
		{"| no label", "", "", false},
		{"-x | not a name", "", "", false},
		{"", "", "", false},
	} {
		label, body, ok := SplitLine([]byte(tc.line))
		if string(label) != tc.label || string(body) != tc.body || ok != tc.ok {
			t.Errorf("SplitLine(%q) = %q, %q, %v; want %q, %q, %v", tc.line, label, body, ok, tc.label, tc.body, tc.ok)
		}
	}
}

func TestAttribute(t *testing.T) {
	p := Project{Name: "shop", Services: []Service{{Name: "web"}, {Name: "web-admin"}, {Name: "db", ContainerName: "the-db"}}}
	for label, want := range map[string][2]string{
		"web-1":          {"web", "shop-web-1"},
		"web-admin-2":    {"web-admin", "shop-web-admin-2"},
		"shop-web-1":     {"web", "shop-web-1"},
		"shop_web_1":     {"web", "shop_web_1"},
		"web_3":          {"web", "shop_web_3"},
		"the-db":         {"db", "the-db"},
		"something-else": {"", "something-else"},
	} {
		if s, c := p.Attribute(label); s != want[0] || c != want[1] {
			t.Errorf("Attribute(%q) = %q, %q; want %q, %q", label, s, c, want[0], want[1])
		}
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{"My App": "myapp", "_x.y-Z": "xy-z", "shop": "shop", "--": ""} {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResolveReadsFilesInOrder(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"compose.yaml":         "name: first\nservices:\n  web:\n    image: a\n  job:\n    profiles: [jobs]\n",
		"compose.yml":          "services:\n  ignored:\n    image: a\n", // compose.yaml is preferred
		"compose.override.yml": "name: second\nservices:\n  web:\n    container_name: w\n  cache:\n",
	})
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	inv, p := resolveUp(t, dir, getenv)
	want := Project{Name: "second", Dir: dir, Files: []string{"compose.yaml", "compose.override.yml"},
		Services: []Service{{Name: "cache"}, {Name: "job", Profiles: []string{"jobs"}}, {Name: "web", ContainerName: "w"}}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("Resolve = %+v, want %+v", p, want)
	}
	if got := p.Started(nil); !slices.Equal(got, []string{"cache", "web"}) {
		t.Errorf("Started = %q", got)
	}
	env["COMPOSE_PROFILES"] = "jobs"
	if p, _ = inv.Resolve(dir, getenv); !slices.Equal(p.Started(nil), []string{"cache", "job", "web"}) {
		t.Errorf("Started with COMPOSE_PROFILES=jobs = %q", p.Started(nil))
	}

	if err := os.WriteFile(filepath.Join(dir, "bad.yml"), []byte("services: [web]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	inv, _ = Parse([]string{"docker", "compose", "-f", "bad.yml", "up"})
	if _, err := inv.Resolve(dir, getenv); err == nil {
		t.Error("a compose file whose services are a list was accepted")
	}
	if _, ok := Detect(t.TempDir(), getenv); ok {
		t.Error("Detect found a project in an empty directory")
	}
}

func TestOverrideIsValidForEveryService(t *testing.T) {
	got, err := Override([]string{"b", "a"}, map[string]string{"K": "1"})
	if err != nil {
		t.Fatal(err)
	}
	want := "services:\n  a:\n    environment:\n      K: \"1\"\n    extra_hosts:\n      - host.docker.internal:host-gateway\n" +
		"  b:\n    environment:\n      K: \"1\"\n    extra_hosts:\n      - host.docker.internal:host-gateway\n"
	if string(got) != want {
		t.Errorf("Override:\n%s\nwant:\n%s", got, want)
	}
	f, err := WriteOverride(got)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(f.Path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("override %s: %v, mode %v; want 0600", f.Path, err, fi.Mode())
	}
	if di, err := os.Stat(filepath.Dir(f.Path)); err != nil || di.Mode().Perm() != 0o700 {
		t.Errorf("override directory: %v, mode %v; want 0700", err, di.Mode())
	}
	if err := f.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(f.Path)); !os.IsNotExist(err) {
		t.Errorf("override directory still there after Remove: %v", err)
	}
}

func TestFindHostAddress(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"HOME": home, "XDG_CONFIG_HOME": ""}
	getenv := func(k string) string { return env[k] }
	cfg := filepath.Join(home, ".config", "docker", "daemon.json")
	if err := os.MkdirAll(filepath.Dir(cfg), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(`{"host-gateway-ips": ["not an ip", "10.1.2.3"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	// /etc/docker/daemon.json of this machine is read first; none is here.
	if _, err := os.Stat("/etc/docker/daemon.json"); err == nil {
		t.Fatal("this machine has /etc/docker/daemon.json: the test expects none")
	}
	if a, ok, err := FindHostAddress(getenv); err != nil || !ok || a.IP != "10.1.2.3" || a.Source != "host-gateway-ip in "+cfg {
		t.Errorf("FindHostAddress = %+v, %v, %v; want 10.1.2.3 from %s", a, ok, err, cfg)
	}
	env[EnvHostIP] = "127.0.0.2"
	if a, ok, err := FindHostAddress(getenv); err != nil || !ok || a.IP != "127.0.0.2" {
		t.Errorf("FindHostAddress with %s = %+v, %v, %v", EnvHostIP, a, ok, err)
	}
	for _, bad := range []string{"docker0", "0.0.0.0", "::"} {
		env[EnvHostIP] = bad
		if _, _, err := FindHostAddress(getenv); err == nil {
			t.Errorf("%s=%s was accepted as an address", EnvHostIP, bad)
		}
	}
}

func TestDotEnvSettings(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"compose.yml": "services:\n  default:\n    image: a\n",
		"a.yml":       "services:\n  web:\n    image: a\n",
		"b.yml":       "services:\n  job:\n    profiles: [jobs]\n",
		".env":        "# compose reads these too\nCOMPOSE_FILE=a.yml:b.yml\nCOMPOSE_PROJECT_NAME=from-dotenv\nCOMPOSE_PROFILES=\"jobs\"\nOTHER=x\n",
		"alt.env":     "COMPOSE_PROJECT_NAME=alt\n",
	})
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	inv, p := resolveUp(t, dir, getenv)
	if p.Name != "from-dotenv" || !slices.Equal(p.Files, []string{"a.yml", "b.yml"}) || !slices.Equal(p.Started(nil), []string{"job", "web"}) {
		t.Errorf("with .env: %+v, started %q", p, p.Started(nil))
	}
	if files, ok := Detect(dir, getenv); !ok || !slices.Equal(files, []string{"a.yml", "b.yml"}) {
		t.Errorf("Detect with .env = %q, %v", files, ok)
	}
	env["COMPOSE_PROJECT_NAME"] = "from-env" // the environment wins over .env
	if p, _ = inv.Resolve(dir, getenv); p.Name != "from-env" {
		t.Errorf("name %q, want the environment's", p.Name)
	}
	delete(env, "COMPOSE_PROJECT_NAME")
	inv, _ = Parse([]string{"docker", "compose", "--env-file", "alt.env", "up"})
	if p, _ = inv.Resolve(dir, getenv); p.Name != "alt" || !slices.Equal(p.Files, []string{"compose.yml"}) {
		t.Errorf("with --env-file alt.env: %+v", p)
	}
}

func TestIncludeAddsServices(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"compose.yml":          "name: app\ninclude:\n  - infra/db.yml\n  - path: [infra/cache.yml]\nservices:\n  web:\n    image: a\n",
		"infra/db.yml":         "name: not-the-project\ninclude:\n  - path: queue.yml\nservices:\n  db:\n    image: postgres\n",
		"infra/queue.yml":      "services:\n  queue:\n    image: rabbitmq\n",
		"infra/cache.yml":      "services:\n  cache:\n    image: redis\n",
		"loop.yml":             "include: [loop.yml]\n",
		"compose.override.yml": "services: {}\n",
	})
	getenv := func(string) string { return "" }
	inv, p := resolveUp(t, dir, getenv)
	if p.Name != "app" || !slices.Equal(p.ServiceNames(), []string{"cache", "db", "queue", "web"}) {
		t.Errorf("project %q services %q", p.Name, p.ServiceNames())
	}
	inv, _ = Parse([]string{"docker", "compose", "-f", "loop.yml", "up"})
	if _, err := inv.Resolve(dir, getenv); err == nil {
		t.Error("a file that includes itself was accepted")
	}
}

func TestInterpolate(t *testing.T) {
	env := map[string]string{"APP": "shop", "EMPTY": ""}
	getenv := func(k string) string { return env[k] }
	for in, want := range map[string]string{
		"plain": "plain", "$APP": "shop", "${APP}-dev": "shop-dev", "${MISSING:-fallback}": "fallback",
		"${EMPTY-x}": "x", "${APP:-x}": "shop", "${APP:?required}": "shop", "${MISSING}": "", "cost$$": "cost$",
	} {
		if got := interpolate(in, getenv); got != want {
			t.Errorf("interpolate(%q) = %q, want %q", in, got, want)
		}
	}
	dir := writeProject(t, map[string]string{
		"compose.yml": "name: ${STACK:-fallback}-app\nservices:\n  web:\n    image: a\n",
		".env":        "STACK=from-dotenv\n",
	})
	inv, _ := Parse([]string{"docker", "compose", "up"})
	if p, err := inv.Resolve(dir, getenv); err != nil || p.Name != "from-dotenv-app" {
		t.Errorf("name %q (%v), want from-dotenv-app", p.Name, err)
	}
}

// writeProject writes files (name: body, names may have directories) into
// a temporary directory and returns it.
func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// resolveUp resolves `docker compose up` in dir, failing the test on an error.
func resolveUp(t *testing.T, dir string, getenv func(string) string) (Invocation, Project) {
	t.Helper()
	inv, _ := Parse([]string{"docker", "compose", "up"})
	p, err := inv.Resolve(dir, getenv)
	if err != nil {
		t.Fatal(err)
	}
	return inv, p
}
