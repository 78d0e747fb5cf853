package format

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/registry"
)

func fixedInstances() []registry.Instance {
	return []registry.Instance{
		{
			Metadata: registry.Metadata{
				InstanceID: "01933c6a-5f00-7000-8000-000000000001", Port: 54321,
				PID: 4242, PIDStartTime: 1732098645000, ChildPID: 4243, ChildPIDStartTime: 1732098645100,
				Command: "npm run dev", CmdArgs: []string{"npm", "run", "dev"}, CWD: "/home/dev/my-app",
				StartTime: "2024-11-20T10:30:45Z", ProjectName: "my-app", DetectedType: "package.json",
			},
			Status: registry.StatusHealthy, UptimeSeconds: 75, URL: "http://localhost:54321",
		},
		{
			Metadata: registry.Metadata{
				InstanceID: "01933c5b-1c00-7000-8000-000000000002", Port: 3000,
				PID: 5151, PIDStartTime: 1732097645000,
				Command: "node server.js --title \"a|b\"", CmdArgs: []string{"node", "server.js", "--title", "a|b"},
				CWD: "/home/dev/my api", StartTime: "2024-11-20T10:14:05Z", ProjectName: "api\x1b[31m",
				DetectedType: "command",
			},
			Status: registry.StatusUnresponsive, UptimeSeconds: 1075, URL: "http://localhost:3000",
		},
	}
}

func renderInstances(t *testing.T, f Format, list []registry.Instance) string {
	t.Helper()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := WriteInstances(&out, f, Options{Location: berlin}, list); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestWriteInstances(t *testing.T) {
	want := map[Format]string{
		Human: `2024-11-20 11:30:45 [INFO] [spotlight] my-app@54321 (npm run dev) - http://localhost:54321
2024-11-20 11:14:05 [WARN] [spotlight] api@3000 (node server.js --title "a|b") - http://localhost:3000 (unresponsive)
`,
		Logfmt: `instanceId=01933c6a-5f00-7000-8000-000000000001 projectName=my-app port=54321 command="npm run dev" cwd=/home/dev/my-app pid=4242 childPid=4243 startTime=2024-11-20T10:30:45Z detectedType=package.json status=healthy uptimeSeconds=75
instanceId=01933c5b-1c00-7000-8000-000000000002 projectName=api port=3000 command="node server.js --title \"a|b\"" cwd="/home/dev/my api" pid=5151 childPid=0 startTime=2024-11-20T10:14:05Z detectedType=command status=unresponsive uptimeSeconds=1075
`,
		MD: `| Project | Port | Type | Command | Started | PID | URL | Status |
|---|---|---|---|---|---|---|---|
| my-app | 54321 | package.json | npm run dev | 2024-11-20 11:30:45 | 4242 | http://localhost:54321 | healthy |
| api | 3000 | command | node server.js --title "a\|b" | 2024-11-20 11:14:05 | 5151 | http://localhost:3000 | unresponsive |
`,
		JSON: `[
  {
    "instanceId": "01933c6a-5f00-7000-8000-000000000001",
    "port": 54321,
    "pid": 4242,
    "pidStartTime": 1732098645000,
    "childPid": 4243,
    "childPidStartTime": 1732098645100,
    "command": "npm run dev",
    "cmdArgs": [
      "npm",
      "run",
      "dev"
    ],
    "cwd": "/home/dev/my-app",
    "startTime": "2024-11-20T10:30:45Z",
    "projectName": "my-app",
    "detectedType": "package.json",
    "status": "healthy",
    "uptimeSeconds": 75,
    "url": "http://localhost:54321"
  }
]
`,
	}
	for f, w := range want {
		list := fixedInstances()
		if f == JSON {
			list = list[:1]
		}
		if got := renderInstances(t, f, list); got != w {
			t.Errorf("%s:\n got: %q\nwant: %q", f, got, w)
		}
	}
}

func TestWriteInstancesEmpty(t *testing.T) {
	for _, f := range Formats() {
		want := ""
		if f == JSON {
			want = "[]\n"
		}
		for _, list := range [][]registry.Instance{nil, {}} {
			if got := renderInstances(t, f, list); got != want {
				t.Errorf("%s with no instances: %q, want %q", f, got, want)
			}
		}
	}
}

func TestWriteInstancesMDCellStaysInCell(t *testing.T) {
	list := fixedInstances()[:1]
	list[0].Command = "sh -c 'a\nb|c'"
	got := renderInstances(t, MD, list)
	if rows := strings.Count(got, "\n"); rows != 3 {
		t.Errorf("a newline in a value broke the table:\n%s", got)
	}
	if !strings.Contains(got, `| sh -c 'a b\|c' |`) {
		t.Errorf("cell not escaped:\n%s", got)
	}
}

func TestWriteInstancesUnknownFormat(t *testing.T) {
	var out bytes.Buffer
	err := WriteInstances(&out, Format("yaml"), Options{}, fixedInstances())
	if err == nil || !strings.Contains(err.Error(), "human, json, logfmt, md") || out.Len() != 0 {
		t.Errorf("err %v, output %q", err, out.String())
	}
}
