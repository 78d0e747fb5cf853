package sidecar

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// ingestOnly serves an IngestHosts address (the docker bridge address under
// `spotlight run`), where containers, not the user's browser or tools,
// connect. It accepts envelopes and nothing else: no reading events, no
// acting on instances. Its Host must be host.docker.internal or the address
// itself, so a page that rebinds a name to it gets nowhere either.
func (s *Server) ingestOnly(addr string) http.Handler {
	addr = strings.ToLower(strings.Trim(addr, "[]"))
	mux := http.NewServeMux()
	ingest := http.HandlerFunc(s.handleIngest)
	mux.Handle("POST /stream", ingest)
	mux.Handle("POST /api/{projectId}/envelope", ingest)
	mux.Handle("POST /api/{projectId}/envelope/{$}", ingest)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, fmt.Sprintf("%s %s is not served on %s, which accepts envelopes only (POST /stream or /api/<project>/envelope); open Spotlight at http://localhost:%d",
			r.Method, r.URL.Path, addr, s.port), http.StatusForbidden)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Powered-By", PoweredBy)
		h := strings.ToLower(strings.Trim(hostOnly(r.Host), "[]"))
		if h != "host.docker.internal" && h != addr {
			s.log.Debug("refused request for a foreign Host on the ingest address", "host", r.Host, "addr", addr)
			http.Error(w, fmt.Sprintf("Host %q is not allowed on %s: containers reach Spotlight as host.docker.internal", r.Host, addr), http.StatusForbidden)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// listenIngest binds every IngestHosts address on port.
func listenIngest(hosts []string, port int) ([]net.Listener, error) {
	var ls []net.Listener
	for _, h := range hosts {
		l, err := net.Listen("tcp", net.JoinHostPort(h, strconv.Itoa(port)))
		if err != nil {
			for _, l := range ls {
				l.Close()
			}
			return nil, fmt.Errorf("cannot listen on %s for containers: %w", net.JoinHostPort(h, strconv.Itoa(port)), err)
		}
		ls = append(ls, l)
	}
	return ls, nil
}
