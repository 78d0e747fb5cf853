package runner

import (
	"os"
	"strconv"
	"strings"
)

// ChildEnv returns base (KEY=value pairs) with what the child's Sentry SDK
// needs to find the sidecar on port added (replacing earlier values), and
// binDir first on PATH when set.
func ChildEnv(base []string, port int, binDir string) []string {
	return childEnv(base, "http://localhost:"+strconv.Itoa(port)+"/stream", binDir)
}

// childEnv is ChildEnv with the sidecar's stream URL given.
func childEnv(base []string, stream, binDir string) []string {
	set := map[string]string{
		"SENTRY_SPOTLIGHT":             stream,
		"NEXT_PUBLIC_SENTRY_SPOTLIGHT": stream,
		"SENTRY_TRACES_SAMPLE_RATE":    "1",
	}
	if binDir != "" {
		path := binDir
		if old := lookup(base, "PATH"); old != "" {
			path += string(os.PathListSeparator) + old
		}
		set["PATH"] = path
	}
	out := make([]string, 0, len(base)+len(set))
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if _, replaced := set[k]; !replaced {
			out = append(out, kv)
		}
	}
	for _, k := range []string{"SENTRY_SPOTLIGHT", "NEXT_PUBLIC_SENTRY_SPOTLIGHT", "SENTRY_TRACES_SAMPLE_RATE", "PATH"} {
		if v, ok := set[k]; ok {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// lookup returns the last value of key in env (the one exec would use).
func lookup(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}
