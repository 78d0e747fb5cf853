package runner

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writePackageJSON(t *testing.T, dir, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestResolveExplicitCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my-app")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"node", "server.js", "--inspect", "it's here"}
	c, err := Resolve(args, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := Command{
		Argv:         args,
		Display:      `node server.js --inspect 'it'\''s here'`,
		CmdArgs:      args,
		DetectedType: DetectedCommand,
		ProjectName:  "my-app",
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("Resolve = %+v, want %+v", c, want)
	}

	writePackageJSON(t, dir, `{"name":"shop","scripts":{"dev":"vite"}}`)
	c, err = Resolve(args, dir)
	if err != nil || c.ProjectName != "shop" || c.DetectedType != DetectedCommand {
		t.Fatalf("with package.json: %+v, %v; want project shop, type command", c, err)
	}
}

func TestResolvePackageScripts(t *testing.T) {
	for _, tc := range []struct{ scripts, want string }{
		{`{"start":"node a.js","dev":"vite --port 3000"}`, "dev"},
		{`{"start":"node a.js","develop":"gatsby develop"}`, "develop"},
		{`{"start":"node a.js","serve":"vite preview"}`, "serve"},
		{`{"start":"node a.js","build":"vite build"}`, "start"},
		{`{"dev":"  ","start":"node a.js"}`, "start"},
		{`{"start":"a","serve":"b","develop":"c","dev":"d"}`, "dev"},
		{`{"start":"a","serve":"b","develop":"c"}`, "develop"},
	} {
		dir := t.TempDir()
		writePackageJSON(t, dir, `{"name":"web","scripts":`+tc.scripts+`}`)
		c, err := Resolve(nil, dir)
		if err != nil {
			t.Fatalf("%s: %v", tc.scripts, err)
		}
		if c.CmdArgs[0] != tc.want || c.DetectedType != DetectedPackageJSON || c.ProjectName != "web" {
			t.Errorf("%s: ran %v (%s, %s), want script %s", tc.scripts, c.CmdArgs, c.DetectedType, c.ProjectName, tc.want)
		}
		if c.Argv[0] != "/bin/sh" || c.Argv[1] != "-c" || c.Argv[2] != c.Display || c.BinDir != filepath.Join(dir, "node_modules", ".bin") {
			t.Errorf("%s: argv %q, bin dir %q", tc.scripts, c.Argv, c.BinDir)
		}
	}
}

func TestResolveNothingToRun(t *testing.T) {
	noPkg := t.TempDir()
	noScript := t.TempDir()
	writePackageJSON(t, noScript, `{"name":"lib","scripts":{"build":"tsc"}}`)
	broken := t.TempDir()
	writePackageJSON(t, broken, `{"name":`)
	for dir, hint := range map[string]string{noPkg: "no package.json in", noScript: "has none of them", broken: "not valid JSON"} {
		_, err := Resolve(nil, dir)
		if !errors.Is(err, ErrNoCommand) {
			t.Fatalf("%s: err = %v, want ErrNoCommand", hint, err)
		}
		for _, s := range []string{hint, "spotlight run npm run dev"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("error %q lacks %q", err, s)
			}
		}
		if hint != "not valid JSON" && !strings.Contains(err.Error(), "dev, develop, serve, start") {
			t.Errorf("error %q does not say which scripts it looked for", err)
		}
	}
}

func TestChildEnv(t *testing.T) {
	base := []string{"HOME=/home/me", "SENTRY_SPOTLIGHT=http://old", "PATH=/usr/bin:/bin", "SENTRY_TRACES_SAMPLE_RATE=0.1"}
	got := ChildEnv(base, 4321, "/app/node_modules/.bin")
	want := []string{
		"HOME=/home/me",
		"SENTRY_SPOTLIGHT=http://localhost:4321/stream",
		"NEXT_PUBLIC_SENTRY_SPOTLIGHT=http://localhost:4321/stream",
		"SENTRY_TRACES_SAMPLE_RATE=1",
		"PATH=/app/node_modules/.bin:/usr/bin:/bin",
		"SENTRY_DSN=http://spotlight@localhost:4321/0",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ChildEnv =\n%q\nwant\n%q", got, want)
	}
	for _, own := range []string{"SENTRY_DSN=https://key@o1.ingest.sentry.io/2", "SENTRY_DSN="} {
		if got := ChildEnv(append(base, own), 4321, ""); lookup(got, "SENTRY_DSN") != strings.TrimPrefix(own, "SENTRY_DSN=") {
			t.Errorf("with %s the child got SENTRY_DSN=%q; want it left alone", own, lookup(got, "SENTRY_DSN"))
		}
	}
	if got := DSN(8969); got != "http://spotlight@localhost:8969/0" {
		t.Errorf("DSN(8969) = %q", got)
	}
	if got := lookup(ChildEnv(base, 1, ""), "PATH"); got != "/usr/bin:/bin" {
		t.Errorf("PATH without a bin dir = %q, want it unchanged", got)
	}
}

func TestAskTakesOnlyTheAnswer(t *testing.T) {
	in := strings.NewReader("x\n2\nfor the child\n")
	var out strings.Builder
	choice, ok := ask(in, &out, "Which?", []string{"one", "two"})
	if !ok || choice != 1 {
		t.Fatalf("ask = %d, %v; want 1 (the second option)", choice, ok)
	}
	if rest, _ := io.ReadAll(in); string(rest) != "for the child\n" {
		t.Errorf("ask consumed what follows the answer: left %q", rest)
	}
	if want := "Which?\n  1) one\n  2) two\nRun which? [1-2]: Run which? [1-2]: "; out.String() != want {
		t.Errorf("prompt %q, want %q", out.String(), want)
	}
	if _, ok := ask(strings.NewReader("3\n0\nno\n"), io.Discard, "Which?", []string{"one", "two"}); ok {
		t.Error("three answers that are no choice were taken")
	}
	if _, ok := ask(strings.NewReader(""), io.Discard, "Which?", []string{"one", "two"}); ok {
		t.Error("an ended stdin was taken as a choice")
	}
}
