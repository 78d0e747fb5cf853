package event

import (
	"encoding/json"
	"strings"
)

// hints are the source clues found in an envelope's payloads; one envelope
// comes from one SDK, so they apply to all its records.
type hints struct {
	userAgent string // request User-Agent header or span user_agent.original
	browser   bool   // contexts.browser is present
	mobileOS  bool   // contexts.os / device name a mobile OS
	runtime   string // contexts.runtime.name (node, CPython...), or a log's server.address
	// headers are a transaction's request headers, read only if the
	// source is still open when everything else was considered (agent).
	headers json.RawMessage
}

// agent is the User-Agent found, reading the kept request headers if
// needed (once).
func (h *hints) agent() string {
	if h.userAgent == "" && h.headers != nil {
		h.add(&contextsPayload{}, pairs(h.headers), "")
		h.headers = nil
	}
	return h.userAgent
}

// add takes the clues of one event, transaction or span payload.
// headers are the request's, decoded (nil without a request).
func (h *hints) add(c *contextsPayload, headers []Tag, userAgent string) {
	h.browser = h.browser || c.Browser != nil
	if h.runtime == "" {
		h.runtime = strings.ToLower(c.Runtime.Name)
	}
	h.mobileOS = h.mobileOS || isMobileOS(c.OS.Name) || isMobileOS(c.Device.Family)
	if h.userAgent == "" {
		for _, kv := range headers {
			if strings.EqualFold(kv.Key, "user-agent") {
				h.userAgent = kv.Value
				break
			}
		}
	}
	if h.userAgent == "" {
		h.userAgent = userAgent
	}
}

func isMobileOS(name string) bool {
	switch strings.ToLower(name) {
	case "ios", "ipados", "android", "watchos", "tvos", "visionos":
		return true
	}
	return false
}

// sdkSource is the source an SDK name ("sentry.<lang>.<package>") implies,
// or "" when the SDK runs on both sides (Next.js, Astro, Nuxt...).
func sdkSource(sdk string) Source {
	parts := strings.SplitN(sdk, ".", 3)
	if len(parts) < 2 || parts[0] != "sentry" {
		return ""
	}
	pkg := ""
	if len(parts) == 3 {
		pkg, _, _ = strings.Cut(parts[2], ".")
	}
	switch parts[1] {
	case "cocoa", "dart", "kotlin", "xamarin", "swift":
		return SourceMobile
	case "java", "native":
		if strings.HasPrefix(pkg, "android") {
			return SourceMobile
		}
		if parts[1] == "java" {
			return SourceServer
		}
	case "dotnet":
		if strings.HasPrefix(pkg, "maui") {
			return SourceMobile
		}
		return SourceServer
	case "python", "php", "go", "ruby", "rust", "elixir", "perl":
		return SourceServer
	case "spotlight": // `spotlight run` relaying a local process's output
		return SourceServer
	case "javascript":
		switch pkg {
		case "react-native", "capacitor", "cordova":
			return SourceMobile
		case "browser", "react", "vue", "angular", "svelte", "ember", "solid", "gatsby", "wasm":
			return SourceBrowser
		case "node", "bun", "deno", "nestjs", "aws-serverless", "google-cloud-serverless", "cloudflare":
			return SourceServer
		}
	}
	return ""
}

// inferSource decides where a record came from. The SDK name is decisive
// when it names one runtime; meta-framework SDKs (Next.js, Astro, Nuxt...)
// run on both sides, so the User-Agent and contexts decide for them.
func inferSource(r *Header, envelopeSDK, userAgent string, h *hints) Source {
	sdk := r.SDKName()
	if sdk == "" {
		sdk = envelopeSDK
	}
	if s := sdkSource(sdk); s != "" {
		return s
	}
	if h.mobileOS {
		return SourceMobile
	}
	if ua := firstNonEmpty(userAgent, h.agent()); ua != "" {
		if isBrowserUA(ua) {
			return SourceBrowser
		}
		// An SDK posting from a server sends its own (non-browser) agent.
		if userAgent != "" {
			return SourceServer
		}
	}
	if h.browser {
		return SourceBrowser
	}
	if h.runtime != "" {
		return SourceServer
	}
	switch r.Platform {
	case "cocoa", "objc", "swift", "android", "dart":
		return SourceMobile
	case "node", "python", "php", "java", "go", "ruby", "csharp", "elixir", "rust", "perl":
		return SourceServer
	}
	return SourceUnknown
}

func isBrowserUA(ua string) bool {
	return strings.HasPrefix(ua, "Mozilla/") || strings.HasPrefix(ua, "Opera/")
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
