package sidecar

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// systemLocalNames reads this machine's own names (see localNames) once, when
// the server is built: a developer opening http://<hostname>:3000, or a VM
// reached by the name /etc/hosts gives it, is on this machine, not a foreign
// site. Errors only mean fewer names.
func systemLocalNames() map[string]bool {
	hostname, _ := os.Hostname()
	hosts, _ := os.ReadFile(hostsFile())
	addrs, _ := net.InterfaceAddrs()
	return localNames(hostname, hosts, addrs)
}

func hostsFile() string {
	if runtime.GOOS == "windows" {
		return filepath.Join(os.Getenv("SystemRoot"), "System32", "drivers", "etc", "hosts")
	}
	return "/etc/hosts"
}

// localNames returns, lower-cased: the hostname and its first label, the
// addresses of this machine's interfaces, and every name the hosts file maps
// to a loopback or interface address. DNS is deliberately not asked: a name
// that public DNS points at 127.0.0.1 is exactly what a DNS-rebinding page
// uses, while the hosts file and the hostname are the machine owner's.
func localNames(hostname string, hostsFile []byte, addrs []net.Addr) map[string]bool {
	names := map[string]bool{}
	local := func(ip net.IP) bool {
		if ip == nil {
			return false
		}
		if ip.IsLoopback() {
			return true
		}
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip) {
				return true
			}
		}
		return false
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() {
			names[strings.ToLower(n.IP.String())] = true
		}
	}
	if h := strings.ToLower(strings.TrimSuffix(hostname, ".")); h != "" {
		names[h] = true
		short, _, _ := strings.Cut(h, ".")
		names[short] = true
	}
	sc := bufio.NewScanner(bytes.NewReader(hostsFile))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) < 2 || !local(net.ParseIP(fields[0])) {
			continue
		}
		for _, name := range fields[1:] {
			names[strings.ToLower(strings.TrimSuffix(name, "."))] = true
		}
	}
	return names
}
