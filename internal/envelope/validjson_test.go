package envelope

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestScanJSON(t *testing.T) {
	for _, tt := range []struct {
		in           string
		valid, space bool
	}{
		{`{}`, true, false},
		{`{"a":[1,-2.5e+3,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9"]}`, true, false},
		{" {\"a\" : 1}\n", true, true},
		{`"caf` + "\xc3\xa9" + `"`, true, false},
		{`0`, true, false},
		{``, false, false},
		{`{`, false, false},
		{`{"a":1,}`, false, false},
		{`[1,]`, false, false},
		{`01`, false, false},
		{`1.`, false, false},
		{`1e`, false, false},
		{`-`, false, false},
		{`"\x"`, false, false},
		{`"\u12g4"`, false, false},
		{"\"a\tb\"", false, false},
		{`{} {}`, false, false},
		{`tru`, false, false},
		{`{"a"}`, false, false},
		{`{1:2}`, false, false},
		{strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth), true, false},
		{strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1), false, false},
	} {
		valid, space := scanJSON([]byte(tt.in))
		if valid != tt.valid || valid && space != tt.space {
			t.Errorf("scanJSON(%.40q) = %v, %v; want %v, %v", tt.in, valid, space, tt.valid, tt.space)
		}
		if valid != json.Valid([]byte(tt.in)) {
			t.Errorf("scanJSON(%.40q) = %v disagrees with json.Valid", tt.in, valid)
		}
	}
}

// FuzzScanJSON checks scanJSON against encoding/json: same validity, and
// "no whitespace" means json.Compact would change nothing.
func FuzzScanJSON(f *testing.F) {
	for _, seed := range []string{`{"a":[1,2.5e-3,"x\u00e9\n"],"b":{"c":null}}`, ` [ true , false ] `, `"\ud800"`, `-0.0E+1`, `{"a":}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		valid, space := scanJSON(b)
		if want := json.Valid(b); valid != want {
			t.Fatalf("scanJSON(%q) = %v, json.Valid = %v", b, valid, want)
		}
		if valid && !space {
			var c bytes.Buffer
			if err := json.Compact(&c, b); err != nil || !bytes.Equal(c.Bytes(), b) {
				t.Fatalf("scanJSON(%q) says compact, json.Compact gives %q", b, c.Bytes())
			}
		}
	})
}

// Every byte value at every offset of a long string, against json.Valid,
// so the 8-bytes-at-a-time path is checked at word boundaries.
func TestScanJSONStringBytes(t *testing.T) {
	for pos := 0; pos < 20; pos++ {
		for c := 0; c < 256; c++ {
			s := []byte(`"` + strings.Repeat("a", pos) + string(rune(0)) + strings.Repeat("b", 11) + `"`)
			s[1+pos] = byte(c)
			if valid, _ := scanJSON(s); valid != json.Valid(s) {
				t.Fatalf("scanJSON(%q) = %v, json.Valid = %v", s, valid, !valid)
			}
		}
	}
}
