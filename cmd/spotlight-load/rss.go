package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spotlight-dev/spotlight/internal/proc"
)

// memory is a process's resident memory now and at its peak, bytes.
type memory struct{ rss, peak int64 }

func readMemory(pid int) (memory, error) {
	rss, peak, err := proc.Memory(pid)
	if err != nil {
		return memory{}, fmt.Errorf("reading the memory of pid %d: %w", pid, err)
	}
	return memory{rss, peak}, nil
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// reportStats prints what the sidecar says it holds (GET /api/stats), when
// it says so; other sidecars (upstream) have no such route.
func reportStats(ctx context.Context, out io.Writer, base string) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/stats", nil)
	if err != nil {
		return
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode == http.StatusOK && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		fmt.Fprintf(out, "sidecar stats: %s\n", strings.TrimSpace(string(body)))
	}
}
