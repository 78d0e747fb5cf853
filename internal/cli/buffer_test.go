package cli

import (
	"strings"
	"testing"
)

func TestBufferFlags(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	for _, tc := range []struct {
		flags          bufferFlags
		vars           map[string]string
		entries        int
		bytes          int64
		err, errSource string
	}{
		{},
		{flags: bufferFlags{size: "5000", bytes: "64MiB"}, entries: 5000, bytes: 64 << 20},
		{flags: bufferFlags{bytes: "1.5GiB"}, bytes: 3 << 29},
		{flags: bufferFlags{bytes: "500MB"}, bytes: 500e6},
		{flags: bufferFlags{bytes: "2097152"}, bytes: 2 << 20},
		{vars: map[string]string{"SPOTLIGHT_BUFFER_SIZE": "10_000", "SPOTLIGHT_BUFFER_BYTES": "1 gib"}, entries: 10000, bytes: 1 << 30},
		// A flag wins over the variable, and only a bad value in use is an error.
		{flags: bufferFlags{size: "7"}, vars: map[string]string{"SPOTLIGHT_BUFFER_SIZE": "nope"}, entries: 7},
		{flags: bufferFlags{size: "0"}, err: "use a whole number of envelopes from 1 to", errSource: "--buffer-size"},
		{flags: bufferFlags{size: "1e3"}, err: "use a whole number", errSource: "--buffer-size"},
		{vars: map[string]string{"SPOTLIGHT_BUFFER_SIZE": "-4"}, err: "use a whole number", errSource: "SPOTLIGHT_BUFFER_SIZE"},
		{flags: bufferFlags{bytes: "256M"}, err: "such as 64MiB, 1GiB or 500MB", errSource: "--buffer-bytes"},
		{flags: bufferFlags{bytes: "100KiB"}, err: "at least 1MiB", errSource: "--buffer-bytes"},
		{vars: map[string]string{"SPOTLIGHT_BUFFER_BYTES": "lots"}, err: "at least 1MiB", errSource: "SPOTLIGHT_BUFFER_BYTES"},
		{flags: bufferFlags{bytes: "99999999TiB"}, err: "at least 1MiB", errSource: "--buffer-bytes"},
	} {
		o, err := tc.flags.options(env(tc.vars))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), tc.errSource) {
				t.Errorf("%+v %v: error %v; want one from %s saying %q", tc.flags, tc.vars, err, tc.errSource, tc.err)
			}
			continue
		}
		if err != nil || o.MaxEntries != tc.entries || o.MaxBytes != tc.bytes {
			t.Errorf("%+v %v = %d entries, %d bytes, %v; want %d, %d", tc.flags, tc.vars, o.MaxEntries, o.MaxBytes, err, tc.entries, tc.bytes)
		}
	}
}
