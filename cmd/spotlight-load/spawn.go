package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// spawned is a sidecar started for the run.
type spawned struct {
	cmd *exec.Cmd
	url string
	dir string
}

func spawn(ctx context.Context, bin string, args []string) (*spawned, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir, err := os.MkdirTemp("", "spotlight-load-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, append([]string{"--port", fmt.Sprint(port)}, args...)...)
	cmd.Env = append(os.Environ(), "SPOTLIGHT_REGISTRY_DIR="+filepath.Join(dir, "instances"), "SPOTLIGHT_CONTROL_CENTER_URL=http://127.0.0.1:1")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &spawned{cmd: cmd, url: fmt.Sprintf("http://127.0.0.1:%d", port), dir: dir}
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(15 * time.Second); ; {
		if resp, err := client.Get(s.url + "/health"); err == nil {
			resp.Body.Close()
			return s, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.stop()
			return nil, fmt.Errorf("%s did not answer %s/health within 15s", bin, s.url)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends the sidecar (SIGTERM) and returns the CPU time it used.
func (s *spawned) stop() time.Duration {
	if s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		_ = s.cmd.Wait()
		os.RemoveAll(s.dir)
	}
	st := s.cmd.ProcessState
	return st.UserTime() + st.SystemTime()
}
