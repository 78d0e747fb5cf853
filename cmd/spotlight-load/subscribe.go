package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/spotlight-dev/spotlight/internal/streamclient"
)

// subscriber is one GET /stream connection (the client `spotlight tail`
// uses) recording when each envelope id arrived.
type subscriber struct {
	mu      sync.Mutex
	arrived map[string]time.Time
}

// subscribe opens k streams and waits until all are connected. They skip
// what is already buffered: a fresh UUIDv7 as Last-Event-ID is newer than
// every buffered id.
func subscribe(ctx context.Context, url string, k int) ([]*subscriber, error) {
	var subs []*subscriber
	connected := make(chan struct{}, k)
	failed := make(chan error, k)
	for range k {
		s := &subscriber{arrived: map[string]time.Time{}}
		c := &streamclient.Client{
			URL:         url + "/stream",
			LastEventID: uuid.Must(uuid.NewV7()).String(),
			OnConnect:   func(bool) { connected <- struct{}{} },
		}
		go func() {
			if err := c.Run(ctx, s.record); err != nil {
				failed <- err
			}
		}()
		subs = append(subs, s)
	}
	timeout := time.After(10 * time.Second)
	for range k {
		select {
		case <-connected:
		case err := <-failed:
			return nil, fmt.Errorf("GET %s/stream: %w", url, err)
		case <-timeout:
			return nil, fmt.Errorf("GET %s/stream: not connected within 10s", url)
		}
	}
	return subs, nil
}

func (s *subscriber) record(ev streamclient.Event) error {
	now := time.Now()
	if ev.ID != "" {
		s.mu.Lock()
		s.arrived[ev.ID] = now
		s.mu.Unlock()
	}
	return nil
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
