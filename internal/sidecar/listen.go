package sidecar

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"syscall"
)

// freePortAttempts bounds the search for a port free on both loopbacks.
const freePortAttempts = 5

// listen binds host:port, or 127.0.0.1 and [::1] on the same port when host
// is empty. IPv6 loopback is skipped when the machine has none; with port 0
// a port free on both is preferred, else 127.0.0.1 alone is used.
func listen(host string, port int, log *slog.Logger) ([]net.Listener, error) {
	if host != "" {
		l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil && !isAddrInUse(err) {
			return nil, fmt.Errorf("cannot listen on --host %s: %w; give an address of this machine (e.g. 0.0.0.0 for every interface), or leave --host out to listen on loopback only", host, err)
		}
		if err != nil {
			return nil, listenError(err, port)
		}
		return []net.Listener{l}, nil
	}
	for range freePortAttempts {
		l4, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			return nil, listenError(err, port)
		}
		bound := l4.Addr().(*net.TCPAddr).Port
		l6, err := net.Listen("tcp6", net.JoinHostPort("::1", strconv.Itoa(bound)))
		switch {
		case err == nil:
			return []net.Listener{l4, l6}, nil
		case !isAddrInUse(err):
			log.Debug("not listening on [::1]", "err", err)
			return []net.Listener{l4}, nil
		case port != 0:
			l4.Close()
			// Clients resolving localhost to ::1 would reach the other program.
			return nil, listenError(err, port)
		}
		l4.Close() // port 0: that port is taken on ::1, try another
	}
	l4, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, listenError(err, port)
	}
	return []net.Listener{l4}, nil
}

func listenError(err error, port int) error {
	if isAddrInUse(err) {
		return fmt.Errorf("%w: port %d: %v", ErrPortInUse, port, err)
	}
	return fmt.Errorf("listen on port %d: %w", port, err)
}

func isAddrInUse(err error) bool {
	// Windows reports WSAEADDRINUSE, which is not syscall.EADDRINUSE.
	return errors.Is(err, syscall.EADDRINUSE) ||
		strings.Contains(err.Error(), "Only one usage of each socket address")
}
