package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
)

// subscriber is one GET /stream connection recording when each envelope id
// arrived (the end of its event).
type subscriber struct {
	mu      sync.Mutex
	arrived map[string]time.Time
}

// subscribe opens k streams that skip what is already buffered (a fresh
// UUIDv7 as Last-Event-ID is newer than every buffered id).
func subscribe(ctx context.Context, url string, k int) ([]*subscriber, error) {
	var subs []*subscriber
	for range k {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/stream", nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Last-Event-ID", uuid.Must(uuid.NewV7()).String())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, fmt.Errorf("GET /stream: status %d", resp.StatusCode)
		}
		s := &subscriber{arrived: map[string]time.Time{}}
		go s.read(resp.Body)
		subs = append(subs, s)
	}
	return subs, nil
}

func (s *subscriber) read(body io.ReadCloser) {
	defer body.Close()
	r := bufio.NewReaderSize(body, 1<<20)
	var id string
	for {
		line, err := r.ReadSlice('\n')
		for errors.Is(err, bufio.ErrBufferFull) { // a long data: line
			_, err = r.ReadSlice('\n')
		}
		if err != nil {
			return
		}
		switch {
		case bytes.HasPrefix(line, []byte("id: ")):
			id = string(bytes.TrimSpace(line[4:]))
		case len(bytes.TrimSpace(line)) == 0 && id != "":
			now := time.Now()
			s.mu.Lock()
			s.arrived[id] = now
			s.mu.Unlock()
			id = ""
		}
	}
}

type delivery struct {
	latencies []time.Duration
	missing   int
}

// deliveries waits (briefly) for every sent envelope to reach every
// subscriber and collects POST-start-to-arrival latencies.
func deliveries(subs []*subscriber, sent map[string]time.Time) delivery {
	deadline := time.Now().Add(5 * time.Second)
	var d delivery
	for _, s := range subs {
		for {
			s.mu.Lock()
			n := 0
			for id := range sent {
				if _, ok := s.arrived[id]; ok {
					n++
				}
			}
			s.mu.Unlock()
			if n == len(sent) || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		s.mu.Lock()
		for id, start := range sent {
			if at, ok := s.arrived[id]; ok {
				d.latencies = append(d.latencies, at.Sub(start))
			} else {
				d.missing++
			}
		}
		s.mu.Unlock()
	}
	return d
}

func (d delivery) report(out io.Writer, subscribers int) {
	fmt.Fprintf(out, "delivery to %d subscribers (POST start to SSE event): %s", subscribers, percentiles(d.latencies))
	if d.missing > 0 {
		fmt.Fprintf(out, "  (%d deliveries missing)", d.missing)
	}
	fmt.Fprintln(out)
}
