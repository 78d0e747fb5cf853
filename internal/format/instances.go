package format

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spotlight-dev/spotlight/internal/registry"
)

// WriteInstances renders Control Center instances (`spotlight list`): human
// and logfmt one line each, json one array (`[]` when empty), md one table.
// Apart from json's `[]`, an empty list writes nothing: the caller says so on
// stderr.
func WriteInstances(w io.Writer, f Format, opts Options, list []registry.Instance) error {
	if _, err := ParseFormat(string(f)); err != nil {
		return err
	}
	if f == JSON {
		return writeInstancesJSON(w, list)
	}
	bw := bufio.NewWriter(w)
	if f == MD && len(list) > 0 {
		bw.WriteString("| Project | Port | Type | Command | Started | PID | URL | Status |\n")
		bw.WriteString("|---|---|---|---|---|---|---|---|\n")
	}
	for i := range list {
		in := &list[i]
		switch f {
		case Human:
			writeInstanceHuman(bw, opts, in)
		case Logfmt:
			writeLogfmt(bw, instanceFields(in))
		case MD:
			writeInstanceMD(bw, opts, in)
		}
	}
	return bw.Flush()
}

func writeInstancesJSON(w io.Writer, list []registry.Instance) error {
	if list == nil {
		list = []registry.Instance{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(list)
}

// writeInstanceHuman writes
// "2024-11-20 10:30:45 [INFO] [spotlight] my-app@54321 (npm run dev) - http://localhost:54321",
// with level WARN and the status appended when the instance is not healthy.
func writeInstanceHuman(w *bufio.Writer, opts Options, in *registry.Instance) {
	level, color, suffix := "INFO", ansiGreen, ""
	if in.Status != registry.StatusHealthy {
		level, color, suffix = "WARN", ansiYellow, " ("+string(in.Status)+")"
	}
	if opts.Color {
		level = color + level + ansiReset
	}
	w.WriteString(startedAt(in, opts))
	w.WriteString(" [" + level + "] [spotlight] ")
	w.WriteString(oneLine(in.ProjectName) + "@" + strconv.Itoa(in.Port))
	w.WriteString(" (" + oneLine(in.Command) + ") - " + in.URL + suffix + "\n")
}

// startedAt is the instance's start time in opts' zone, or "-" if unknown.
func startedAt(in *registry.Instance, opts Options) string {
	t, err := time.Parse(time.RFC3339Nano, in.StartTime)
	if err != nil {
		if in.PIDStartTime <= 0 {
			return "-"
		}
		t = time.UnixMilli(in.PIDStartTime)
	}
	return t.In(opts.loc()).Format(time.DateTime)
}

// instanceFields are the logfmt fields, all always present (a zero child
// pid is information too).
func instanceFields(in *registry.Instance) []Field {
	return []Field{
		{"instanceId", plain(in.InstanceID)},
		{"projectName", plain(in.ProjectName)},
		{"port", in.Port},
		{"command", plain(in.Command)},
		{"cwd", plain(in.CWD)},
		{"pid", in.PID},
		{"childPid", in.ChildPID},
		{"startTime", plain(in.StartTime)},
		{"detectedType", plain(in.DetectedType)},
		{"status", string(in.Status)},
		{"uptimeSeconds", int(in.UptimeSeconds)},
	}
}

func writeInstanceMD(w *bufio.Writer, opts Options, in *registry.Instance) {
	cells := []string{
		in.ProjectName, strconv.Itoa(in.Port), in.DetectedType, in.Command, startedAt(in, opts),
		strconv.Itoa(in.PID), in.URL, string(in.Status),
	}
	w.WriteString("|")
	for _, c := range cells {
		w.WriteString(" " + mdCell(c) + " |")
	}
	w.WriteString("\n")
}

// mdCell keeps a value inside its table cell: one line, pipes escaped.
func mdCell(s string) string {
	s = strings.TrimSpace(strings.NewReplacer("\n", " ", "\t", " ").Replace(plain(s)))
	return strings.ReplaceAll(s, "|", `\|`)
}
