//go:build !windows

package proc

import (
	"context"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// An exited but unreaped child (a zombie) must count as dead: under an init
// that does not reap, orphans stay zombies forever.
func TestZombieIsNotAlive(t *testing.T) {
	ctx := context.Background()
	cmd := exec.Command("sleep", "300")
	NewGroup(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	start, err := StartTime(ctx, pid)
	if err != nil {
		t.Fatal(err)
	}
	if !Alive(ctx, pid, start) || !GroupAlive(pid) || !OwnedByCurrentUser(ctx, pid) {
		t.Fatalf("running child: Alive=%v GroupAlive=%v Owned=%v", Alive(ctx, pid, start), GroupAlive(pid), OwnedByCurrentUser(ctx, pid))
	}
	if Alive(ctx, pid, start-10_000) {
		t.Error("a start time 10 s off still counts as the same process")
	}
	if err := SignalGroup(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Not reaped yet: poll until the kernel has made it a zombie.
	deadline := time.Now().Add(10 * time.Second)
	for Alive(ctx, pid, start) || GroupAlive(pid) {
		if time.Now().After(deadline) {
			t.Fatal("killed child still counts as alive")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := StartTime(ctx, pid); err != nil {
		t.Fatalf("the zombie should still exist before Wait: %v", err)
	}
	_ = cmd.Wait()
	if OwnedByCurrentUser(ctx, os.Getpid()) != true {
		t.Error("own process not owned by current user")
	}
	if OwnedByCurrentUser(ctx, 1<<30) {
		t.Error("a missing process counts as owned")
	}
}
