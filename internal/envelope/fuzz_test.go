package envelope

import (
	"encoding/json"
	"testing"
)

// FuzzParse checks that Parse never panics, and that whatever it accepts
// survives Encode and the stream form unchanged.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"{}",
		"{}\n",
		"{\"event_id\":\"abc\"}\n{\"type\":\"event\"}\n{\"message\":\"hi\"}\n",
		"{}\n{\"type\":\"attachment\",\"length\":5,\"content_type\":\"image/png\"}\n\x00\r\n\xff\n\n",
		"{}\n{\"type\":\"attachment\",\"length\":0}\n\n{\"type\":\"attachment\",\"length\":0}\n",
		"{}\n{\"type\":\"session\"}\n{\"started\":1}",
		"{}\r\n{\"type\":\"log\",\"length\":2}\r\n{}\r\n",
		"\xEF\xBB\xBF{}\n{\"type\":\"statsd\",\"length\":3}\nabc",
		"{}\n{\"type\":\"attachment\",\"length\":9223372036854775807}\nabc",
		"{}\n{\"type\":\"attachment\",\"length\":-1}\nabc",
		"{}\n{\"type\":\"attachment\",\"length\":\"3\"}\nabc",
		"{}\n{\"type\":\"event\",\"length\":1e2}\n",
		"{}\n{\"type\":\"x\",\"length\":1,\"length\":2}\nab\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := Parse(body)
		if err != nil {
			return
		}
		again, err := Parse(env.Encode())
		if err != nil {
			t.Fatalf("Parse(Encode(Parse(x))) failed: %v\nencoded: %q", err, env.Encode())
		}
		assertSameEnvelope(t, env, again)

		stream, err := env.MarshalStream()
		if err != nil {
			t.Fatalf("MarshalStream of a parsed envelope failed: %v", err)
		}
		if !json.Valid(stream) {
			t.Fatalf("MarshalStream produced invalid JSON: %s", stream)
		}
		if _, err := UnmarshalStream(stream); err != nil {
			t.Fatalf("UnmarshalStream(MarshalStream()) failed: %v\nstream: %s", err, stream)
		}
	})
}
