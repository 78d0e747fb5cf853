package testutil

import (
	"bufio"
	"io"
)

// maxSSELine bounds one SSE line (an envelope's JSON can be large).
const maxSSELine = 64 << 20

func newLineScanner(r io.Reader, buf []byte) *bufio.Scanner {
	s := bufio.NewScanner(r)
	s.Buffer(buf, maxSSELine)
	return s
}
