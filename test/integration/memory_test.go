package integration

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/proc"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// bufferBytes is --buffer-bytes for TestRSSBoundedByBufferBytes: large
// enough that the runtime's own few MiB are small beside it.
const bufferBytes = 48 << 20

// maxIdleRSS is what a sidecar that holds nothing may take (issue 15).
const maxIdleRSS = 20 << 20

// The byte bound bounds the process: after several times --buffer-bytes of
// envelopes of each size, the sidecar's peak RSS (VmHWM) is at most
// 1.25 × --buffer-bytes + its idle RSS (itself under 20 MiB), and it holds
// what the bound allows.
// The payloads are random (they do not compress), the worst case.
func TestRSSBoundedByBufferBytes(t *testing.T) {
	for _, tc := range []struct {
		name string
		size int
		send int64 // bytes to post in all
	}{
		// Each several times what the buffer's share holds (see daemon.budget).
		{"3.5KB", 3500, bufferBytes / 2},
		{"130KB", 130 << 10, bufferBytes * 3 / 2},
		{"1MiB", 1 << 20, bufferBytes * 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := testutil.StartSidecar(t, bin, nil, "--buffer-bytes", fmt.Sprint(bufferBytes), "--buffer-size", "1000000")
			pid := p.Cmd.Process.Pid
			idle, _, err := proc.Memory(pid)
			if err != nil {
				t.Fatal(err)
			}
			if idle > maxIdleRSS {
				t.Errorf("idle RSS %.1f MiB; want under %.0f MiB", mib(idle), mib(maxIdleRSS))
			}
			body := randomEnvelope(tc.size)
			postConcurrently(t, p.URL+"/api/0/envelope/", body, int(tc.send/int64(len(body))))
			_, peak, err := proc.Memory(pid)
			if err != nil {
				t.Fatal(err)
			}
			var st buffer.Stats
			if r := get(t, p.URL+"/api/stats", ""); r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &st) != nil {
				t.Fatalf("GET /api/stats = %d %q", r.status, r.body)
			}
			// Bodies being received and the Control Center's merged copy
			// take their shares of --buffer-bytes (daemon.budget).
			if st.MaxBytes > bufferBytes/2 || st.Bytes > st.MaxBytes || st.Evicted == 0 || st.Entries == 0 {
				t.Fatalf("stats %+v: want at most %d bytes held and evictions", st, bufferBytes/2)
			}
			limit := bufferBytes*5/4 + idle
			t.Logf("%s: %d held (%d bytes, %d evicted); RSS idle %.1f MiB, peak %.1f MiB, limit %.1f MiB",
				tc.name, st.Entries, st.Bytes, st.Evicted, mib(idle), mib(peak), mib(limit))
			if peak > limit {
				t.Fatalf("peak RSS %.1f MiB exceeds 1.25 × --buffer-bytes + idle RSS = %.1f MiB", mib(peak), mib(limit))
			}
		})
	}
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// randomEnvelope is an event envelope of about size bytes whose message is
// random base64.
func randomEnvelope(size int) []byte {
	rng := rand.New(rand.NewPCG(uint64(size), 15))
	raw := make([]byte, size*3/4)
	for i := range raw {
		raw[i] = byte(rng.Uint32())
	}
	msg := base64.StdEncoding.EncodeToString(raw)
	return []byte(`{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"}` + "\n" + `{"type":"event"}` + "\n" +
		`{"message":"` + msg + `","level":"info","platform":"go"}` + "\n")
}

// postConcurrently posts body n times from a few clients at once.
func postConcurrently(t *testing.T, url string, body []byte, n int) {
	t.Helper()
	const clients = 4
	var wg sync.WaitGroup
	errs := make(chan string, clients)
	for c := range clients {
		wg.Go(func() {
			client := &http.Client{}
			for i := c; i < n; i += clients {
				resp, err := client.Post(url, "application/x-sentry-envelope", strings.NewReader(string(body)))
				if err != nil {
					errs <- err.Error()
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					errs <- resp.Status
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatalf("POST: %s", e)
	}
}
