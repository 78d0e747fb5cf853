//go:build !windows

package testutil

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
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

// RawHTTP sends one HTTP/1.0 request to 127.0.0.1:port as the other user
// (bash's /dev/tcp, so the client really is their process) and returns the
// status line and the body.
func (u *OtherUser) RawHTTP(t testing.TB, port int, method, path, body string, headers ...string) (status, respBody string) {
	t.Helper()
	req := fmt.Sprintf("%s %s HTTP/1.0\r\nHost: localhost\r\nContent-Length: %d\r\n", method, path, len(body))
	for _, h := range headers {
		req += h + "\r\n"
	}
	req += "\r\n" + body
	cmd := u.Command("bash", "-c", fmt.Sprintf(`exec 3<>/dev/tcp/127.0.0.1/%d; printf '%%s' "$REQ" >&3; cat <&3`, port))
	cmd.Env = []string{"REQ=" + req}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s as %s: %v", method, path, u.Name, err)
	}
	status, rest, _ := strings.Cut(string(out), "\r\n")
	_, respBody, _ = strings.Cut(rest, "\r\n\r\n")
	return status, respBody
}
