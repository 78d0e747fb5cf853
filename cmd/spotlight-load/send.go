package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

type result struct {
	ok, failed int
	elapsed    time.Duration
	latencies  []time.Duration
	firstErr   string
	sent       map[string]time.Time // envelope id -> when its POST started
}

// send runs o.clients workers POSTing body until o.duration has passed.
func send(ctx context.Context, o options, body []byte) *result {
	transport := &http.Transport{MaxIdleConnsPerHost: o.clients, DisableCompression: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()

	var interval time.Duration
	if o.rate > 0 {
		interval = time.Duration(float64(time.Second) * float64(o.clients) / o.rate)
	}
	res := &result{sent: map[string]time.Time{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for range o.clients {
		wg.Go(func() {
			w := worker{client: client, url: o.url + o.path, body: body, track: o.subscribers > 0}
			w.loop(ctx, interval)
			mu.Lock()
			defer mu.Unlock()
			res.ok += w.ok
			res.failed += w.failed
			res.latencies = append(res.latencies, w.latencies...)
			if res.firstErr == "" {
				res.firstErr = w.firstErr
			}
			for id, t := range w.sent {
				res.sent[id] = t
			}
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

type worker struct {
	client     *http.Client
	url        string
	body       []byte
	track      bool
	ok, failed int
	latencies  []time.Duration
	firstErr   string
	sent       map[string]time.Time
}

func (w *worker) loop(ctx context.Context, interval time.Duration) {
	w.sent = map[string]time.Time{}
	next := time.Now()
	for ctx.Err() == nil {
		if interval > 0 {
			select {
			case <-time.After(time.Until(next)):
			case <-ctx.Done():
				return
			}
			next = next.Add(interval)
		}
		start := time.Now()
		id, err := w.post(ctx)
		if ctx.Err() != nil {
			return // cut off by the end of the run: not a sample
		}
		if err != nil {
			w.failed++
			if w.firstErr == "" {
				w.firstErr = err.Error()
			}
			continue
		}
		w.ok++
		w.latencies = append(w.latencies, time.Since(start))
		if w.track {
			w.sent[id] = start
		}
	}
}

func (w *worker) post(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(w.body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-sentry-envelope")
	resp, err := w.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, msg)
	}
	return resp.Header.Get("X-Spotlight-Envelope-Id"), nil
}

func (r *result) report(out io.Writer) {
	fmt.Fprintf(out, "requests: %d ok, %d failed in %s: %.0f req/s\n", r.ok, r.failed, r.elapsed.Round(time.Millisecond), float64(r.ok)/r.elapsed.Seconds())
	if r.firstErr != "" {
		fmt.Fprintf(out, "first error: %s\n", r.firstErr)
	}
	fmt.Fprintf(out, "POST latency: %s\n", percentiles(r.latencies))
}

// percentiles formats p50/p90/p99/max of ds (sorting it).
func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "no samples"
	}
	slices.Sort(ds)
	at := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	return fmt.Sprintf("p50 %s  p90 %s  p99 %s  max %s", at(0.50), at(0.90), at(0.99), ds[len(ds)-1])
}
