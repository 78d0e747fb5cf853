package buffer

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkAdd measures storing (and evicting) without subscribers.
func BenchmarkAdd(b *testing.B) {
	buf := New(Options{})
	body := benchBody()
	b.ReportAllocs()
	for b.Loop() {
		e, _ := NewEnvelope(body, "")
		buf.Add(e)
	}
}

// BenchmarkFanout measures Add while K subscribers read everything; each
// iteration is one envelope delivered to all K.
func BenchmarkFanout(b *testing.B) {
	for _, k := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("subscribers=%d", k), func(b *testing.B) {
			buf := New(Options{MaxEntries: 100000})
			body := benchBody()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var wg sync.WaitGroup
			var last atomic.Pointer[Entry]
			done := make(chan struct{})
			for range k {
				s := buf.Subscribe("")
				wg.Go(func() {
					defer s.Close()
					for {
						es, err := s.Next(ctx)
						if err != nil {
							return
						}
						if es[len(es)-1] == last.Load() {
							return
						}
					}
				})
			}
			go func() { wg.Wait(); close(done) }()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N-1; i++ {
				e, _ := NewEnvelope(body, "")
				buf.Add(e)
			}
			e, _ := NewEnvelope(body, "")
			last.Store(e)
			buf.Add(e)
			<-done
		})
	}
}

// benchBody is a 3.5 KB event envelope.
func benchBody() []byte {
	return []byte(`{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"}` + "\n" + `{"type":"event"}` + "\n" +
		`{"message":"` + strings.Repeat("x", 3400) + `"}` + "\n")
}
