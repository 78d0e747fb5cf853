//go:build !linux

package peer

import "net/netip"

// Supported: this OS offers no portable way to learn a TCP peer's user;
// callers fall back to the per-user secret.
const Supported = false

func ownerOf(self, other netip.AddrPort) (int, error) { return 0, ErrUnknown }
