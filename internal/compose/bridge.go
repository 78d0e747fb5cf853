package compose

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
)

// EnvHostIP overrides the address containers reach the host at (see
// HostAddress): for a setup spotlight cannot read, and for tests, which
// have no docker0.
const EnvHostIP = "SPOTLIGHT_DOCKER_HOST_IP"

// maxDaemonJSON bounds how much of daemon.json is read.
const maxDaemonJSON = 1 << 20

// HostAddress is where containers on Linux reach the host: the address
// host-gateway stands for.
type HostAddress struct {
	IP     string
	Source string // where it came from, for the message on start
}

// FindHostAddress returns the address host-gateway maps to: EnvHostIP when
// set, else the daemon's configured host-gateway-ip (daemon.json, rootful
// or rootless), else the docker0 interface's IPv4 address. ok is false
// when none is known (Docker Desktop, or no Docker here).
func FindHostAddress(getenv func(string) string) (HostAddress, bool, error) {
	if v := getenv(EnvHostIP); v != "" {
		if ip := net.ParseIP(v); ip == nil || ip.IsUnspecified() {
			return HostAddress{}, false, fmt.Errorf("%s=%q is not the address of one interface: give the docker bridge's (e.g. 172.17.0.1)", EnvHostIP, v)
		}
		return HostAddress{IP: v, Source: EnvHostIP}, true, nil
	}
	for _, path := range daemonConfigs(getenv) {
		if ip := hostGatewayIP(path); ip != "" {
			return HostAddress{IP: ip, Source: "host-gateway-ip in " + path}, true, nil
		}
	}
	if ip := interfaceIPv4("docker0"); ip != "" {
		return HostAddress{IP: ip, Source: "docker0"}, true, nil
	}
	return HostAddress{}, false, nil
}

// daemonConfigs are the daemon.json files of a rootful and a rootless
// daemon.
func daemonConfigs(getenv func(string) string) []string {
	paths := []string{"/etc/docker/daemon.json"}
	if x := getenv("XDG_CONFIG_HOME"); x != "" {
		paths = append(paths, filepath.Join(x, "docker", "daemon.json"))
	} else if h := getenv("HOME"); h != "" {
		paths = append(paths, filepath.Join(h, ".config", "docker", "daemon.json"))
	}
	return paths
}

// hostGatewayIP reads host-gateway-ip (or the first of host-gateway-ips,
// Docker 26+) from a daemon.json; "" when absent or unreadable.
func hostGatewayIP(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxDaemonJSON))
	if err != nil {
		return ""
	}
	var cfg struct {
		IP  string   `json:"host-gateway-ip"`
		IPs []string `json:"host-gateway-ips"`
	}
	if json.Unmarshal(data, &cfg) != nil {
		return ""
	}
	for _, ip := range append([]string{cfg.IP}, cfg.IPs...) {
		if net.ParseIP(ip) != nil {
			return ip
		}
	}
	return ""
}

func interfaceIPv4(name string) string {
	ifc, err := net.InterfaceByName(name)
	if err != nil {
		return ""
	}
	addrs, err := ifc.Addrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	return ""
}
