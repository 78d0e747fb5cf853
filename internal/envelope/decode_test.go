package envelope

import (
	"bytes"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

var sampleBody = []byte("{\"event_id\":\"9ec79c33ec9942ab8353589fcb2e04dc\"}\n{\"type\":\"attachment\",\"length\":6}\n\x00\xff\r\n\xEF\xBB\n")

func TestDecodeEncodings(t *testing.T) {
	tests := []struct {
		header  string // Content-Encoding
		encoder string // "" = identity
	}{
		{"", ""},
		{"identity", ""},
		{" IDENTITY ", ""},
		{"gzip", "gzip"},
		{"x-gzip", "gzip"},
		{"GZip", "gzip"},
		{"gzip, identity", "gzip"},
		{"deflate", "deflate"},
		{"deflate", "deflate-raw"},
		{"br", "br"},
		{" Br", "br"},
		{"zstd", "zstd"},
	}
	for _, tt := range tests {
		t.Run(tt.header+"/"+tt.encoder, func(t *testing.T) {
			in := sampleBody
			if tt.encoder != "" {
				in = testutil.Compress(t, tt.encoder, sampleBody)
			}
			got, err := Decode(bytes.NewReader(in), tt.header, 1<<20)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !bytes.Equal(got, sampleBody) {
				t.Fatalf("Decode = %q, want %q", got, sampleBody)
			}
		})
	}
}

func TestDecodeStackedEncodings(t *testing.T) {
	// "gzip, br": gzip applied first, then br; undone in reverse.
	in := testutil.Compress(t, "br", testutil.Compress(t, "gzip", sampleBody))
	got, err := Decode(bytes.NewReader(in), "gzip, br", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, sampleBody) {
		t.Fatalf("got %q", got)
	}
}

func TestDecodeUnsupported(t *testing.T) {
	for _, enc := range []string{"compress", "lz4", "gzip, snappy"} {
		_, err := Decode(strings.NewReader("x"), enc, 100)
		if !errors.Is(err, ErrUnsupportedEncoding) {
			t.Errorf("Decode(%q) error = %v, want ErrUnsupportedEncoding", enc, err)
			continue
		}
		if !strings.Contains(err.Error(), "gzip, deflate, br, zstd") {
			t.Errorf("error %q does not name the accepted encodings", err)
		}
	}
}

func TestDecodeTooManyLayers(t *testing.T) {
	_, err := Decode(strings.NewReader("x"), "gzip, gzip, gzip, gzip", 100)
	if !errors.Is(err, ErrUnsupportedEncoding) || !strings.Contains(err.Error(), "at most 3") {
		t.Fatalf("error = %v, want ErrUnsupportedEncoding saying at most 3", err)
	}
}

func TestDecodeCorrupt(t *testing.T) {
	for _, enc := range []string{"gzip", "deflate", "br", "zstd"} {
		t.Run(enc, func(t *testing.T) {
			good := testutil.Compress(t, enc, bytes.Repeat(sampleBody, 50))
			for name, in := range map[string][]byte{
				"garbage":   []byte("this is not compressed at all, not in any format"),
				"truncated": good[:len(good)/2],
				"empty":     nil,
			} {
				_, err := Decode(bytes.NewReader(in), enc, 1<<20)
				if !errors.Is(err, ErrCorruptBody) {
					t.Errorf("%s: error = %v, want ErrCorruptBody", name, err)
				}
			}
		})
	}
}

func TestDecodeLimit(t *testing.T) {
	data := bytes.Repeat([]byte("a"), 1000)
	for _, enc := range []string{"", "gzip", "deflate", "br", "zstd"} {
		t.Run("encoding="+enc, func(t *testing.T) {
			in := data
			if enc != "" {
				in = testutil.Compress(t, enc, data)
			}
			got, err := Decode(bytes.NewReader(in), enc, 1000)
			if err != nil || len(got) != 1000 {
				t.Fatalf("at the limit: %d bytes, %v", len(got), err)
			}
			_, err = Decode(bytes.NewReader(in), enc, 999)
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("over the limit: error = %v, want ErrTooLarge", err)
			}
			if !strings.Contains(err.Error(), "999") {
				t.Errorf("error %q does not name the limit", err)
			}
		})
	}
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// A decompression bomb (64 MiB of zeros in a few KB) is refused.
func TestDecodeBomb(t *testing.T) {
	zeros := make([]byte, 64<<20)
	for _, enc := range []string{"gzip", "deflate", "br", "zstd"} {
		bomb := testutil.Compress(t, enc, zeros)
		if _, err := Decode(bytes.NewReader(bomb), enc, 1<<20); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: error = %v, want ErrTooLarge", enc, err)
		}
	}
}

// An oversized body is refused once the limit is passed, without reading
// (or buffering) the rest of the input.
func TestDecodeStopsReadingPastLimit(t *testing.T) {
	noise := make([]byte, 4<<20)
	rng := rand.NewChaCha8([32]byte{1})
	_, _ = rng.Read(noise)
	for _, enc := range []string{"", "gzip", "deflate", "br", "zstd"} {
		in := noise
		if enc != "" {
			in = testutil.Compress(t, enc, noise)
		}
		src := &countingReader{r: bytes.NewReader(in)}
		if _, err := Decode(src, enc, 1<<20); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%q: error = %v, want ErrTooLarge", enc, err)
		}
		if src.n > len(in)/2 {
			t.Errorf("%q: read %d of %d input bytes for a 1 MiB limit", enc, src.n, len(in))
		}
	}
}

// failingReader returns some bytes, then an error, like a client hanging up.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestDecodeSourceErrorIsNotCorruption(t *testing.T) {
	hangUp := errors.New("connection reset")
	for _, enc := range []string{"", "gzip", "br", "zstd", "deflate"} {
		in := sampleBody
		if enc != "" {
			in = testutil.Compress(t, enc, bytes.Repeat(sampleBody, 100))
		}
		_, err := Decode(&failingReader{data: in[:len(in)/2], err: hangUp}, enc, 1<<20)
		if !errors.Is(err, hangUp) || errors.Is(err, ErrCorruptBody) {
			t.Errorf("%q: error = %v, want the reader's own error", enc, err)
		}
	}
}

func TestDecodeLimitExtremes(t *testing.T) {
	if got, err := Decode(bytes.NewReader(sampleBody), "", math.MaxInt64); err != nil || !bytes.Equal(got, sampleBody) {
		t.Errorf("limit MaxInt64: %q, %v", got, err)
	}
	if _, err := Decode(bytes.NewReader(sampleBody), "", 0); !errors.Is(err, ErrTooLarge) {
		t.Errorf("limit 0: error = %v, want ErrTooLarge", err)
	}
	if got, err := Decode(bytes.NewReader(nil), "", 0); err != nil || len(got) != 0 {
		t.Errorf("empty body, limit 0: %q, %v", got, err)
	}
}
