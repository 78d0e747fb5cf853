package proc

import (
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// linuxPIDLimit is the most Linux ever allows (PID_MAX_LIMIT on 64-bit).
const linuxPIDLimit = 1 << 22

// MaxPID is the largest PID the OS can hand out: kernel.pid_max on Linux,
// the range of pid_t elsewhere. A larger number is not a PID: passed on to
// the OS it would be truncated to another process's (2^32+P signals P).
func MaxPID() int {
	if runtime.GOOS == "linux" {
		if b, err := os.ReadFile("/proc/sys/kernel/pid_max"); err == nil {
			if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && n > 0 && n <= linuxPIDLimit {
				return n
			}
		}
		return linuxPIDLimit
	}
	return math.MaxInt32
}

// ValidPID reports whether pid is in the OS's range (1..MaxPID).
func ValidPID(pid int) bool { return pid > 0 && pid <= MaxPID() }
