package envelope

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// Errors returned by Decode so HTTP handlers can map them to status codes.
var (
	ErrUnsupportedEncoding = errors.New("unsupported content encoding") // 415
	ErrCorruptBody         = errors.New("corrupt compressed body")      // 400
	ErrTooLarge            = errors.New("body too large")               // 413
)

// AcceptedEncodings lists the Content-Encoding values Decode understands.
const AcceptedEncodings = "gzip, deflate, br, zstd, identity"

const (
	// maxEncodingLayers bounds "gzip, gzip, ..." chains: each layer holds a
	// decoder's buffers.
	maxEncodingLayers = 3
	// zstdMaxWindow bounds the memory a zstd frame can make the decoder
	// allocate (zstd's own levels up to 19 use at most 8 MiB).
	zstdMaxWindow = 8 << 20
)

// StartBufferSize is the most Decode allocates before data arrives: a
// client's claimed size (Content-Length) only sizes the first buffer up to
// this, and the buffer then grows with what is actually received.
const StartBufferSize = 64 << 10

// DecodeOptions bounds one Decode.
type DecodeOptions struct {
	// Limit is the most decompressed bytes accepted; more is ErrTooLarge.
	Limit int64
	// SizeHint is the expected decompressed size (an uncompressed body's
	// Content-Length; 0 if unknown). It only sizes the first buffer, up to
	// StartBufferSize.
	SizeHint int64
	// Reserve, when set, is called before the output buffer grows by n
	// bytes (its first allocation included); an error ends Decode with that
	// error. The caller releases the sum of what it granted when done.
	Reserve func(n int) error
}

// Decode reads r, undoing contentEncoding (gzip, deflate, br, zstd, identity
// or "", case-insensitive, or a comma-separated list of these in the order
// they were applied), and returns the decompressed data. It reads at most
// limit+1 decompressed bytes, so a decompression bomb costs no more memory
// than an honest body at the limit; more than limit bytes is ErrTooLarge.
// Errors from r itself (a client hanging up) are returned as they are.
func Decode(r io.Reader, contentEncoding string, limit int64) ([]byte, error) {
	return DecodeWith(r, contentEncoding, DecodeOptions{Limit: limit})
}

// DecodeWith is Decode with a size hint and a memory reservation hook.
func DecodeWith(r io.Reader, contentEncoding string, opts DecodeOptions) ([]byte, error) {
	names, err := parseEncodings(contentEncoding)
	if err != nil {
		return nil, err
	}
	src := &sourceReader{r: r}
	var out io.Reader = src
	// Encodings are listed in the order they were applied: undo the last first.
	for i := len(names) - 1; i >= 0; i-- {
		dec, closeFn, err := newDecoder(names[i], out)
		if err != nil {
			if err := src.failed(); err != nil {
				return nil, err
			}
			return nil, corrupt(names[i], err)
		}
		if closeFn != nil {
			defer closeFn()
		}
		out = dec
	}
	limit := min(max(opts.Limit, 0), math.MaxInt32)
	data, err := readAll(out, limit, opts.SizeHint, opts.Reserve)
	var refused *reserveError
	switch {
	case errors.As(err, &refused):
		return nil, refused.err
	case src.failed() != nil:
		return nil, src.failed()
	case len(names) > 0 && src.n == 0:
		return nil, corrupt(contentEncoding, errors.New("the body is empty"))
	case err != nil:
		return nil, corrupt(contentEncoding, err)
	case int64(len(data)) > limit:
		return nil, fmt.Errorf("%w: more than %d bytes after decompression", ErrTooLarge, limit)
	}
	return data, nil
}

// reserveError carries a refusal of DecodeOptions.Reserve through readAll.
type reserveError struct{ err error }

func (e *reserveError) Error() string { return e.err.Error() }

// readAll reads r to its end or to limit+1 bytes, whichever comes first.
// The buffer starts at 512 bytes, so a client that sends nothing costs
// little whatever it claims; once that is full it grows to the hint (up to
// StartBufferSize) and then doubles, never past limit+1. Reserve is asked
// before every allocation.
func readAll(r io.Reader, limit, hint int64, reserve func(int) error) ([]byte, error) {
	grow := func(buf []byte, size int) ([]byte, error) {
		if reserve != nil {
			if err := reserve(size - cap(buf)); err != nil {
				return buf, &reserveError{err}
			}
		}
		next := make([]byte, len(buf), size)
		copy(next, buf)
		return next, nil
	}
	const first = 512
	buf, err := grow(nil, int(min(first, limit+1)))
	if err != nil {
		return nil, err
	}
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return buf, nil
			}
			next := max(2*int64(cap(buf)), min(hint, StartBufferSize))
			if buf, err = grow(buf, int(min(next, limit+1))); err != nil {
				return nil, err
			}
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

func corrupt(encoding string, err error) error {
	return fmt.Errorf("%w (Content-Encoding %s): %v; check that the header matches how the body was compressed", ErrCorruptBody, encoding, err)
}

// parseEncodings splits a Content-Encoding header into the encodings to undo,
// dropping identity.
func parseEncodings(header string) ([]string, error) {
	var names []string
	for name := range strings.SplitSeq(header, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		switch name {
		case "", "identity":
		case "gzip", "x-gzip", "deflate", "br", "zstd":
			names = append(names, name)
		default:
			return nil, fmt.Errorf("%w %q: accepted encodings are %s", ErrUnsupportedEncoding, name, AcceptedEncodings)
		}
	}
	if len(names) > maxEncodingLayers {
		return nil, fmt.Errorf("%w %q: at most %d encodings may be stacked", ErrUnsupportedEncoding, header, maxEncodingLayers)
	}
	return names, nil
}

// newDecoder wraps r in a decompressor; closeFn, when not nil, releases it.
func newDecoder(name string, r io.Reader) (dec io.Reader, closeFn func(), err error) {
	switch name {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, err
		}
		return zr, nil, nil
	case "deflate":
		return newDeflateReader(r)
	case "br":
		return brotli.NewReader(r), nil, nil
	case "zstd":
		zr, err := zstd.NewReader(r,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(zstdMaxWindow))
		if err != nil {
			return nil, nil, err
		}
		return zr, zr.Close, nil
	}
	return nil, nil, fmt.Errorf("%w %q", ErrUnsupportedEncoding, name)
}

// newDeflateReader accepts HTTP's "deflate" as the standard says (zlib-wrapped)
// and as many clients send it (raw deflate), told apart by the zlib header.
func newDeflateReader(r io.Reader) (io.Reader, func(), error) {
	br := bufio.NewReaderSize(r, 512)
	hdr, _ := br.Peek(2)
	if len(hdr) == 2 && hdr[0]&0x0f == 8 && (uint16(hdr[0])<<8|uint16(hdr[1]))%31 == 0 {
		zr, err := zlib.NewReader(br)
		if err != nil {
			return nil, nil, err
		}
		return zr, nil, nil
	}
	fr := flate.NewReader(br)
	return fr, func() { _ = fr.Close() }, nil
}

// sourceReader remembers the error of the underlying body so Decode can tell
// a broken connection (or a size limit set by the caller) from corrupt data.
type sourceReader struct {
	r   io.Reader
	n   int64 // bytes read
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	if err != nil {
		s.err = err
	}
	return n, err
}

// failed returns the underlying body's error, if it was not the normal end.
func (s *sourceReader) failed() error {
	if errors.Is(s.err, io.EOF) {
		return nil
	}
	return s.err
}
