package runner

import (
	"os"
	"strconv"
	"strings"
)

// ChildEnv returns base (KEY=value pairs) with what the child's Sentry SDK
// needs to find the sidecar on port added (replacing earlier values), and
// binDir first on PATH when set.
//
// SENTRY_DSN is added too when base has none at all (an empty one is the
// developer's choice): SDKs without Spotlight support (sentry-go,
// python3-sentry-sdk 1.x) then report with no code change. An SDK that also
// reads SENTRY_SPOTLIGHT sends each envelope to both, and the run's sidecar
// keeps one (sidecar.Config.KeepTwinsOnce). Compose services get no DSN:
// the override would replace one their own compose file sets.
func ChildEnv(base []string, port int, binDir string) []string {
	env := childEnv(base, "http://localhost:"+strconv.Itoa(port)+"/stream", binDir)
	if !has(base, "SENTRY_DSN") {
		env = append(env, "SENTRY_DSN="+DSN(port))
	}
	return env
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

// DSN is the DSN `spotlight run` gives SDKs when SENTRY_DSN is unset:
// project 0 of the sidecar on port, so SDKs post to /api/0/envelope/.
func DSN(port int) string { return "http://spotlight@localhost:" + strconv.Itoa(port) + "/0" }

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
