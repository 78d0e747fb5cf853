package sourcecontext

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// fromDisk reads the lines around line (1-based) of a local file.
func fromDisk(path string, line int) (*Lines, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	lines, err := around(io.LimitReader(f, maxDiskRead), line)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return lines, nil
}

var errNoSuchLine = errors.New("the file has no such line (changed since the event?)")

// around scans r for the lines around line, keeping only those: memory is
// bounded by the number of lines kept and maxLineRunes, whatever the file.
func around(r io.Reader, line int) (*Lines, error) {
	br := bufio.NewReader(r)
	first := max(1, line-ContextLines)
	out := &Lines{LineNo: line, Pre: []string{}, Post: []string{}}
	found := false
	for n := 1; n <= line+ContextLines; n++ {
		text, read, err := readLine(br, n >= first)
		if read == 0 && err == io.EOF {
			break
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		switch {
		case n < first:
		case n < line:
			out.Pre = append(out.Pre, text)
		case n == line:
			out.Line, found = text, true
		default:
			out.Post = append(out.Post, text)
		}
		if err == io.EOF {
			break
		}
	}
	if !found {
		return nil, errNoSuchLine
	}
	return out, nil
}

// readLine reads one line without its end and says how many bytes it
// consumed; with keep false it only skips it. A line longer than
// maxLineRunes is cut (minified code), the rest skipped without being held.
func readLine(br *bufio.Reader, keep bool) (string, int, error) {
	var b strings.Builder
	read := 0
	for {
		chunk, err := br.ReadSlice('\n')
		read += len(chunk)
		if keep && b.Len() < maxLineRunes*utf8.UTFMax {
			b.Write(chunk[:min(len(chunk), maxLineRunes*utf8.UTFMax-b.Len())])
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return clipLine(b.String()), read, err
	}
}

func clipLine(s string) string {
	s = strings.TrimRight(s, "\r\n")
	if utf8.RuneCountInString(s) <= maxLineRunes {
		return s
	}
	r := []rune(s)
	return string(r[:maxLineRunes]) + "…"
}

// linesOf returns the lines around line from a source held in memory (a
// source map's sourcesContent).
func linesOf(src string, line int) (*Lines, error) {
	return around(strings.NewReader(src), line)
}
