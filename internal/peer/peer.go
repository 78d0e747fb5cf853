// Package peer tells which local user is at the other end of a loopback TCP
// connection, so a sidecar serves its events and instances only to the user
// who runs it (and root), whoever else may send it envelopes.
package peer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/user"
	"strconv"
)

// ErrUnknown means the operating system did not tell who owns the other end
// (not a socket of this machine, or no way to ask on this OS).
var ErrUnknown = errors.New("cannot tell which local user the connection comes from")

// Of returns the uid owning the other end of c: the socket whose own address
// is c's remote address and whose remote address is c's local one.
func Of(c net.Conn) (int, error) {
	local, lok := addrPort(c.LocalAddr())
	remote, rok := addrPort(c.RemoteAddr())
	if !lok || !rok {
		return 0, ErrUnknown
	}
	return ownerOf(remote, local)
}

func addrPort(a net.Addr) (netip.AddrPort, bool) {
	t, ok := a.(*net.TCPAddr)
	if !ok {
		return netip.AddrPort{}, false
	}
	return t.AddrPort(), true
}

// Trusted reports whether uid may act as this process's user: the same uid,
// or root (who could read the user's memory anyway).
func Trusted(uid int) bool { return uid == os.Getuid() || uid == 0 }

// Describe names a uid for a message: "alice (uid 1000)".
func Describe(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return fmt.Sprintf("%s (uid %d)", u.Username, uid)
	}
	return fmt.Sprintf("uid %d", uid)
}

// CheckOwn fails unless the other end of c belongs to a trusted user. An
// unknown owner passes only where the OS offers no way to ask (Supported is
// false): there the caller relies on other checks.
func CheckOwn(c net.Conn) error {
	uid, err := Of(c)
	switch {
	case errors.Is(err, ErrUnknown) && !Supported:
		return nil
	case err != nil:
		return err
	case !Trusted(uid):
		return fmt.Errorf("the other end of the connection belongs to %s, not to %s", Describe(uid), Describe(os.Getuid()))
	}
	return nil
}

// DialOwn is d.DialContext refusing (and closing) a connection whose other
// end belongs to another user (CheckOwn): for clients of the user's own
// sidecars, whose ports another user could take once they are free.
func DialOwn(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if err := CheckOwn(c); err != nil {
			c.Close()
			return nil, fmt.Errorf("%s: %w", addr, err)
		}
		return c, nil
	}
}
