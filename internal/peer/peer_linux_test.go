package peer

import (
	"fmt"
	"net"
	"os"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// accepted is the server side of a connection that cmd makes to l.
func acceptFrom(t *testing.T, l net.Listener, connect func(addr string)) net.Conn {
	t.Helper()
	go connect(l.Addr().String())
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestOwnConnection(t *testing.T) {
	for _, network := range []string{"tcp4", "tcp6"} {
		host := map[string]string{"tcp4": "127.0.0.1:0", "tcp6": "[::1]:0"}[network]
		l, err := net.Listen(network, host)
		if err != nil {
			t.Fatalf("%s: %v", network, err)
		}
		defer l.Close()
		c := acceptFrom(t, l, func(addr string) {
			cc, err := net.Dial(network, addr)
			if err == nil {
				t.Cleanup(func() { cc.Close() })
			}
		})
		uid, err := Of(c)
		if err != nil || uid != os.Getuid() {
			t.Fatalf("%s: Of(own connection) = %d, %v; want %d", network, uid, err, os.Getuid())
		}
		if err := CheckOwn(c); err != nil {
			t.Fatalf("%s: CheckOwn(own connection) = %v", network, err)
		}
	}
}

// A connection from another local user is named as theirs, on IPv4 and IPv6.
func TestOtherUsersConnection(t *testing.T) {
	u := testutil.NewOtherUser(t)
	for _, host := range []string{"127.0.0.1", "::1"} {
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		port := l.Addr().(*net.TCPAddr).Port
		done := make(chan error, 1)
		c := acceptFrom(t, l, func(string) {
			// bash's /dev/tcp: a client that runs as the other user.
			cmd := u.Command("bash", "-c", fmt.Sprintf("exec 3<>/dev/tcp/%s/%d; read -t 20 <&3", host, port))
			done <- cmd.Run()
		})
		uid, err := Of(c)
		if err != nil || uid != u.UID {
			t.Fatalf("%s: Of(other user's connection) = %d, %v; want %d", host, uid, err, u.UID)
		}
		if err := CheckOwn(c); err == nil {
			t.Fatalf("%s: CheckOwn accepted another user's connection", host)
		}
		c.Close()
		<-done
	}
}
