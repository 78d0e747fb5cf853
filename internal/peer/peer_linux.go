package peer

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"strconv"
)

// Supported: Linux names the owner of every socket in /proc/net/tcp{,6}.
const Supported = true

// ownerOf finds the socket bound to self and connected to other in
// /proc/net/tcp (IPv4) or /proc/net/tcp6 (IPv6, and IPv4 on dual-stack
// sockets as v4-mapped addresses) and returns its uid.
func ownerOf(self, other netip.AddrPort) (int, error) {
	self = netip.AddrPortFrom(self.Addr().Unmap(), self.Port())
	other = netip.AddrPortFrom(other.Addr().Unmap(), other.Port())
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		uid, found, err := scan(file, self, other)
		if err != nil {
			return 0, fmt.Errorf("%w: %v", ErrUnknown, err)
		}
		if found {
			return uid, nil
		}
	}
	return 0, fmt.Errorf("%w: no local socket %s connected to %s", ErrUnknown, self, other)
}

// scan reads one /proc/net/tcp-format table. Lines are
// "sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...".
func scan(file string, self, other netip.AddrPort) (uid int, found bool, err error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		fields := bytes.Fields(sc.Bytes())
		if len(fields) < 8 {
			continue
		}
		local, ok1 := parseAddr(fields[1])
		remote, ok2 := parseAddr(fields[2])
		if !ok1 || !ok2 || local != self || remote != other {
			continue
		}
		n, err := strconv.Atoi(string(fields[7]))
		if err != nil {
			return 0, false, fmt.Errorf("%s: uid %q: %v", file, fields[7], err)
		}
		return n, true, nil
	}
	return 0, false, sc.Err()
}

// parseAddr decodes "0100007F:1F90": the address as the kernel prints it
// (each 32-bit word of the network-order bytes in host order, in hex), then
// the port in hex.
func parseAddr(field []byte) (netip.AddrPort, bool) {
	addrHex, portHex, ok := bytes.Cut(field, []byte{':'})
	if !ok || (len(addrHex) != 8 && len(addrHex) != 32) {
		return netip.AddrPort{}, false
	}
	raw := make([]byte, len(addrHex)/2)
	if _, err := hex.Decode(raw, addrHex); err != nil {
		return netip.AddrPort{}, false
	}
	// hex gives the words most significant byte first: turn each back into
	// the bytes as they were in memory.
	for i := 0; i < len(raw); i += 4 {
		binary.NativeEndian.PutUint32(raw[i:], binary.BigEndian.Uint32(raw[i:]))
	}
	port, err := strconv.ParseUint(string(portHex), 16, 16)
	if err != nil {
		return netip.AddrPort{}, false
	}
	addr, _ := netip.AddrFromSlice(raw)
	return netip.AddrPortFrom(addr.Unmap(), uint16(port)), true
}
