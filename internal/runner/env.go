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
	// SDKs without Spotlight support (sentry-go, python3-sentry-sdk 1.x)
	// then report with no code change. A SENTRY_DSN of the developer's own,
	// even an empty one, is left alone. An SDK that also reads
	// SENTRY_SPOTLIGHT sends each envelope to both, and the sidecar keeps one.
	if !has(base, "SENTRY_DSN") {
		set["SENTRY_DSN"] = dsnFor(stream)
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
	for _, k := range []string{"SENTRY_SPOTLIGHT", "NEXT_PUBLIC_SENTRY_SPOTLIGHT", "SENTRY_TRACES_SAMPLE_RATE", "SENTRY_DSN", "PATH"} {
		if v, ok := set[k]; ok {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// DSN is the DSN `spotlight run` gives SDKs when SENTRY_DSN is unset.
func DSN(port int) string { return dsnFor("http://localhost:" + strconv.Itoa(port) + "/stream") }

// dsnFor is the DSN of the sidecar whose stream URL is stream: project 0
// on the same host and port, so SDKs post to /api/0/envelope/.
func dsnFor(stream string) string {
	return strings.Replace(strings.TrimSuffix(stream, "/stream"), "http://", "http://spotlight@", 1) + "/0"
}

// has reports whether env sets key at all (to any value, even empty).
func has(env []string, key string) bool {
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k == key {
			return true
		}
	}
	return false
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
