package sidecar

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Request headers a browser may send cross-origin (preflight answer).
const allowedHeaders = "Content-Type, Content-Encoding, Sentry-Trace, Baggage, Last-Event-ID, Authorization, Mcp-Session-Id, Mcp-Protocol-Version, X-Spotlight-Secret"

const allowedMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS"

// Response headers a cross-origin page may read.
const exposedHeaders = "X-Powered-By, X-Spotlight-Instance-Id, X-Spotlight-Envelope-Id, X-Spotlight-Oldest-Id"

// originPolicy decides which Host headers and browser origins may talk to the
// sidecar. Loopback names are always allowed; -A entries add full origins
// (matched exactly) and plain domains (any scheme and port).
type originPolicy struct {
	origins map[string]bool // "scheme://host[:port]", lowercase
	domains map[string]bool // hostnames allowed as Origin with any scheme and port
	hosts   map[string]bool // extra hostnames allowed in the Host header
	local   map[string]bool // this machine's own names (localNames), allowed as both
}

func newOriginPolicy(allowed []string, listenHost string) (*originPolicy, error) {
	p := &originPolicy{origins: map[string]bool{}, domains: map[string]bool{}, hosts: map[string]bool{}}
	for _, list := range allowed {
		for entry := range strings.SplitSeq(list, ",") {
			entry = strings.TrimSpace(entry)
			if entry == "" {
				continue
			}
			if strings.Contains(entry, "://") {
				origin, host, ok := normalizeOrigin(entry)
				if !ok {
					return nil, fmt.Errorf("allowed origin %q is not an origin: use scheme://host[:port] (e.g. https://app.test:8443) or a plain domain (e.g. myapp.local)", entry)
				}
				p.origins[origin] = true
				p.hosts[host] = true // a proxy may reach us by that name
				continue
			}
			host := strings.ToLower(strings.TrimSuffix(entry, "/"))
			if strings.ContainsAny(host, "/?#@ ") || host == "" {
				return nil, fmt.Errorf("allowed origin %q is not a domain: use a plain domain (e.g. myapp.local) or scheme://host[:port]", entry)
			}
			host = strings.Trim(hostOnly(host), "[]")
			p.domains[host] = true
			p.hosts[host] = true
		}
	}
	if h := strings.ToLower(strings.Trim(listenHost, "[]")); h != "" {
		p.hosts[h] = true // clients reach a --host sidecar by that address
	}
	return p, nil
}

// normalizeOrigin returns "scheme://host[:port]" lowercased and the hostname.
func normalizeOrigin(s string) (origin, host string, ok bool) {
	u, err := url.Parse(strings.TrimSuffix(strings.TrimSpace(s), "/"))
	if err != nil || u.Scheme == "" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.User != nil {
		return "", "", false
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), strings.ToLower(u.Hostname()), true
}

// hostOnly strips a port from "host:port" or "[v6]:port".
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

// isLoopbackHost is true for localhost, *.localhost (browsers resolve those
// to loopback themselves) and loopback IPs.
func isLoopbackHost(h string) bool {
	h = strings.ToLower(strings.Trim(h, "[]"))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// hostAllowed checks the Host header (DNS-rebinding defence).
func (p *originPolicy) hostAllowed(hostHeader string) bool {
	h := strings.ToLower(strings.Trim(hostOnly(hostHeader), "[]"))
	return isLoopbackHost(h) || h == "host.docker.internal" || p.hosts[h] || p.local[h]
}

// originAllowed checks a browser Origin header value.
func (p *originPolicy) originAllowed(origin string) bool {
	norm, host, ok := normalizeOrigin(origin)
	if !ok {
		return false // includes "null"
	}
	return isLoopbackHost(host) || p.domains[host] || p.origins[norm] || p.local[strings.Trim(host, "[]")]
}

// guard wraps every route: X-Powered-By, the Host check, CORS headers and
// preflights.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Powered-By", PoweredBy)
		h.Add("Vary", "Origin")
		if !s.origins.hostAllowed(r.Host) {
			s.log.Debug("refused request for a foreign Host", "host", r.Host, "path", r.URL.Path)
			http.Error(w, fmt.Sprintf("Host %q is not allowed: Spotlight answers only to localhost, 127.0.0.1, [::1], host.docker.internal and this machine's own names (its hostname, /etc/hosts entries for its addresses); add the name with -A/--allowed-origin to reach it by that name", r.Host), http.StatusForbidden)
			return
		}
		origin := r.Header.Get("Origin")
		allowed := origin != "" && s.origins.originAllowed(origin)
		if allowed {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", exposedHeaders)
		}
		if r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != "" {
			if !allowed {
				http.Error(w, fmt.Sprintf("origin %q is not allowed: start spotlight with -A %s to allow it", origin, origin), http.StatusForbidden)
				return
			}
			h.Set("Access-Control-Allow-Methods", allowedMethods)
			headers := allowedHeaders
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				headers += ", " + req
			}
			h.Set("Access-Control-Allow-Headers", headers)
			h.Set("Access-Control-Max-Age", "600")
			if r.Header.Get("Access-Control-Request-Private-Network") == "true" {
				h.Set("Access-Control-Allow-Private-Network", "true")
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin refuses state-changing requests (anything but GET, HEAD and
// OPTIONS) that a browser sends from a page whose origin is not allowed.
// Requests without Origin (SDKs, CLI tools) pass. Envelope ingestion is not
// wrapped: browser SDKs on any dev hostname must be able to report.
func (s *Server) sameOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			if origin := r.Header.Get("Origin"); origin != "" && !s.origins.originAllowed(origin) {
				http.Error(w, fmt.Sprintf("%s %s from origin %q is not allowed: start spotlight with -A %s to allow it", r.Method, r.URL.Path, origin, origin), http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
