package controlcenter

import (
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/google/uuid"

	"github.com/spotlight-dev/spotlight/internal/proc"
	"github.com/spotlight-dev/spotlight/internal/proc/proctest"
	"github.com/spotlight-dev/spotlight/internal/registry"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// BenchmarkList measures the whole `spotlight list --all` process with n
// registered instances: real `spotlight run` instances, healthy or
// SIGSTOPped (unresponsive), and dead ones (files whose processes are gone,
// re-registered before every run since listing removes them).
//
//	go test -run '^$' -bench BenchmarkList -benchtime 10x ./test/controlcenter
func BenchmarkList(b *testing.B) {
	for _, c := range []struct {
		name                        string
		healthy, unresponsive, dead int
	}{
		{"healthy=1", 1, 0, 0},
		{"healthy=10", 10, 0, 0},
		{"healthy=50", 50, 0, 0},
		{"mixed=1(unresponsive)", 0, 1, 0},
		{"mixed=10", 4, 3, 3},
		{"mixed=50", 17, 17, 16},
		{"dead=50", 0, 0, 50},
	} {
		b.Run(c.name, func(b *testing.B) {
			w := newWorld(b)
			for i := range c.healthy + c.unresponsive {
				in := w.start(fmt.Sprintf("app%d", i))
				if i >= c.healthy {
					if err := proc.Signal(in.meta.PID, syscall.SIGSTOP); err != nil {
						b.Fatal(err)
					}
				}
			}
			gone := proctest.Dead(b)
			reg := w.registry()
			want := c.healthy + c.unresponsive
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				for range c.dead {
					m := registry.Metadata{
						InstanceID: uuid.Must(uuid.NewV7()).String(), Port: testutil.FreePort(b),
						PID: gone.PID, PIDStartTime: gone.Start, CWD: "/x", Command: "x",
						StartTime: "2024-11-20T10:30:45Z", ProjectName: "dead", DetectedType: "command",
					}
					if err := reg.Register(m); err != nil {
						b.Fatal(err)
					}
				}
				cmd := exec.Command(bin, "list", "--all", "-f", "logfmt")
				cmd.Env = append(cmd.Environ(), w.env...)
				b.StartTimer()
				out, err := cmd.Output()
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				if got := strings.Count(string(out), "\n"); got != want {
					b.Fatalf("listed %d instances, want %d", got, want)
				}
				b.StartTimer()
			}
		})
	}
}
