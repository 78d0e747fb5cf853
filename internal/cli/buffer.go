package cli

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/memlimit"
)

// Bounds of the buffer flags.
const (
	minBufferBytes = 1 << 20
	maxBufferSize  = 10_000_000
)

// bufferFlags are --buffer-size and --buffer-bytes, on every command that
// starts a sidecar, with SPOTLIGHT_BUFFER_SIZE and SPOTLIGHT_BUFFER_BYTES as
// defaults (a flag wins over the variable).
type bufferFlags struct {
	size  string
	bytes string
}

func (b *bufferFlags) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&b.size, "buffer-size", "", fmt.Sprintf("envelopes the sidecar keeps before evicting the oldest (default %d; also SPOTLIGHT_BUFFER_SIZE)", buffer.DefaultMaxEntries))
	f.StringVar(&b.bytes, "buffer-bytes", "", "memory the kept envelopes may take, e.g. 256MiB, 1GiB, 500MB (default 256MiB; also SPOTLIGHT_BUFFER_BYTES)")
}

// options reads the flags, or else the environment, into buffer bounds
// (zero fields: the defaults). Wrong values say what is accepted.
func (b *bufferFlags) options(getenv func(string) string) (buffer.Options, error) {
	var o buffer.Options
	size, sizeFrom := pick(b.size, "--buffer-size", getenv("SPOTLIGHT_BUFFER_SIZE"), "SPOTLIGHT_BUFFER_SIZE")
	if size != "" {
		n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(size), "_", ""))
		if err != nil || n < 1 || n > maxBufferSize {
			return o, fmt.Errorf("%s %q: use a whole number of envelopes from 1 to %d (default %d)", sizeFrom, size, maxBufferSize, buffer.DefaultMaxEntries)
		}
		o.MaxEntries = n
	}
	bytes, bytesFrom := pick(b.bytes, "--buffer-bytes", getenv("SPOTLIGHT_BUFFER_BYTES"), "SPOTLIGHT_BUFFER_BYTES")
	if bytes != "" {
		n, err := parseByteSize(bytes)
		if err != nil || n < minBufferBytes {
			return o, fmt.Errorf("%s %q: use a size of at least 1MiB such as 64MiB, 1GiB or 500MB (KiB, MiB, GiB are powers of 1024; kB, MB, GB of 1000; a bare number is bytes)", bytesFrom, bytes)
		}
		o.MaxBytes = n
	}
	return o, nil
}

// applyMemoryLimit sets the process's soft memory limit from the bounds (see memlimit).
func applyMemoryLimit(env *Env, o buffer.Options) {
	limit := memlimit.Apply(env.Getenv, cmp.Or(o.MaxBytes, buffer.DefaultMaxBytes))
	env.Logger.Debug("memory limit", "bytes", limit, "buffer_entries", cmp.Or(o.MaxEntries, buffer.DefaultMaxEntries), "buffer_bytes", cmp.Or(o.MaxBytes, buffer.DefaultMaxBytes))
}

// pick returns the flag's value if set, else the variable's, with its name.
func pick(flag, flagName, env, envName string) (string, string) {
	if flag != "" {
		return flag, flagName
	}
	return env, envName
}

// unit is the multiplier of a size suffix (lower-cased).
func unit(s string) (float64, bool) {
	switch s {
	case "", "b":
		return 1, true
	case "kib":
		return 1 << 10, true
	case "mib":
		return 1 << 20, true
	case "gib":
		return 1 << 30, true
	case "tib":
		return 1 << 40, true
	case "kb":
		return 1e3, true
	case "mb":
		return 1e6, true
	case "gb":
		return 1e9, true
	case "tb":
		return 1e12, true
	}
	return 0, false
}

// parseByteSize reads "256MiB", "1.5GiB", "500MB", "1048576".
func parseByteSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(t)
	}
	num := t[:i]
	mult, ok := unit(strings.ToLower(strings.TrimSpace(t[i:])))
	f, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || f < 0 || f*mult >= math.MaxInt64 {
		return 0, fmt.Errorf("not a size: %q", s)
	}
	return int64(f * mult), nil
}
