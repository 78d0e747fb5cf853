package mcp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
)

// MaxFrameBytes bounds one newline-delimited JSON-RPC frame on stdio. The
// largest legitimate frames are tool calls with a query (bytes) or replies
// to requests of ours (none); a longer line is refused as it streams past,
// never buffered whole.
const MaxFrameBytes = 1 << 20

// JSON-RPC error codes of malformed frames.
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
)

// frameFilter stands between stdin and the SDK's transport: a frame that is
// not a well-formed JSON-RPC 2.0 message (which would end the SDK's session,
// and `spotlight mcp` with it) gets an error reply here and goes no further;
// well-formed ones are passed on, one per line.
type frameFilter struct {
	in  *bufio.Reader
	out *lockedWriter // shared with the SDK's replies
	to  *io.PipeWriter
}

// lockedWriter serialises whole writes of the SDK and of the filter.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *lockedWriter) Close() error { return nil }

// run copies frames until in ends (or ctx does), then closes the pipe.
func (f *frameFilter) run(ctx context.Context) {
	var err error
	for ctx.Err() == nil {
		var line []byte
		var tooLong bool
		line, tooLong, err = f.readFrame()
		if len(bytes.TrimSpace(line)) > 0 || tooLong {
			if werr := f.pass(line, tooLong); werr != nil {
				err = werr
				break
			}
		}
		if err != nil {
			break
		}
	}
	if errors.Is(err, io.EOF) {
		err = nil
	}
	f.to.CloseWithError(err)
}

// readFrame reads one line; past MaxFrameBytes the rest of the line is
// skipped as it is read, and tooLong is set.
func (f *frameFilter) readFrame() (line []byte, tooLong bool, err error) {
	for {
		chunk, err := f.in.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > MaxFrameBytes+2 { // "\r\n" aside
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return line, tooLong, err
	}
}

// pass forwards a valid frame, or answers an invalid one.
func (f *frameFilter) pass(line []byte, tooLong bool) error {
	if tooLong {
		return f.reply(nil, codeInvalidRequest, fmt.Sprintf("frame larger than %d bytes: refused", MaxFrameBytes))
	}
	line = bytes.TrimSpace(line)
	if id, code, msg := checkFrame(line); code != 0 {
		return f.reply(id, code, msg)
	}
	_, err := f.to.Write(append(line, '\n'))
	return err
}

func (f *frameFilter) reply(id json.RawMessage, code int, msg string) error {
	if id == nil {
		id = json.RawMessage("null")
	}
	data, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "error": map[string]any{"code": code, "message": msg}})
	_, err := f.out.Write(append(data, '\n'))
	return err
}

// checkFrame validates one frame as a JSON-RPC 2.0 request, notification or
// response. It returns the error to answer (code 0: valid) and the id to
// answer it with when the id itself is valid.
func checkFrame(line []byte) (json.RawMessage, int, string) {
	if !json.Valid(line) {
		return nil, codeParseError, "parse error: the frame is not JSON (or nests deeper than 10000 levels)"
	}
	switch line[0] {
	case '{':
	case '[':
		return nil, codeInvalidRequest, "invalid request: batches are not supported; send one message per line"
	default:
		return nil, codeInvalidRequest, "invalid request: a message must be a JSON object"
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(line, &m); err != nil {
		return nil, codeInvalidRequest, "invalid request: " + err.Error()
	}
	id, hasID := m["id"]
	if hasID && !validID(id) {
		return nil, codeInvalidRequest, "invalid request: id must be a string or an integer"
	}
	if !hasID {
		id = nil
	}
	if string(m["jsonrpc"]) != `"2.0"` {
		return id, codeInvalidRequest, `invalid request: "jsonrpc" must be "2.0"`
	}
	method, hasMethod := m["method"]
	_, hasResult := m["result"]
	_, hasError := m["error"]
	switch {
	case hasMethod:
		if len(method) == 0 || method[0] != '"' {
			return id, codeInvalidRequest, "invalid request: method must be a string"
		}
		if p, ok := m["params"]; ok && p[0] != '{' && p[0] != '[' && string(p) != "null" {
			return id, codeInvalidRequest, "invalid request: params must be an object or an array"
		}
	case hasResult || hasError:
		if !hasID || (hasResult && hasError) {
			return id, codeInvalidRequest, "invalid response: it needs an id and either result or error"
		}
		if e, ok := m["error"]; ok && e[0] != '{' {
			return id, codeInvalidRequest, "invalid response: error must be an object"
		}
	default:
		return id, codeInvalidRequest, "invalid request: no method (nor result or error)"
	}
	return nil, 0, ""
}

// validID: a string or an integer (the SDK's ids; null is not an id).
func validID(raw json.RawMessage) bool {
	switch {
	case len(raw) == 0:
		return false
	case raw[0] == '"':
		return true
	case raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'):
		var n int64
		return json.Unmarshal(raw, &n) == nil
	}
	return false
}
