//go:build !windows

package testutil

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
	"testing"
)

// OtherUser is a throwaway local account for tests of what another user of
// the machine can do.
type OtherUser struct {
	Name     string
	UID, GID int
}

// NewOtherUser creates a system account (useradd) that is removed when the
// test ends. It needs root, as CI has; run as another user, the test is
// skipped with the reason.
func NewOtherUser(t testing.TB) *OtherUser {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("creating a throwaway user needs root (CI runs as root): run as root to test other users")
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "spotlight-t" + hex.EncodeToString(b)
	if out, err := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name).CombinedOutput(); err != nil {
		t.Fatalf("useradd %s: %v: %s", name, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("userdel", name).CombinedOutput(); err != nil {
			t.Errorf("userdel %s: %v: %s", name, err, out)
		}
	})
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &OtherUser{Name: name, UID: uid, GID: gid}
}

// Command is exec.Command running as the other user.
func (u *OtherUser) Command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(u.UID), Gid: uint32(u.GID)}}
	cmd.Dir = "/"
	return cmd
}
