package compose

// SplitLine splits a line of `up` output, "web-1  | hello", into the
// container's label ("web-1") and its line ("hello"). Colour escapes
// around the prefix (--ansi always) are skipped. ok is false for compose's
// own lines ("Attaching to web-1", "web-1 exited with code 0").
func SplitLine(line []byte) (label, body []byte, ok bool) {
	i := skipEscapes(line, 0)
	start := i
	for i < len(line) && isLabelByte(line[i], i == start) {
		i++
	}
	end := i
	if end == start {
		return nil, nil, false
	}
	i = skipEscapes(line, i)
	for i < len(line) && line[i] == ' ' {
		i++
	}
	if i >= len(line) || line[i] != '|' || i == end {
		return nil, nil, false
	}
	i = skipEscapes(line, i+1)
	if i < len(line) && line[i] == ' ' {
		i++
	}
	return line[start:end], line[i:], true
}

// isLabelByte: container names are [a-zA-Z0-9][a-zA-Z0-9_.-]*.
func isLabelByte(c byte, first bool) bool {
	alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	return alnum || !first && (c == '_' || c == '.' || c == '-')
}

// skipEscapes skips SGR sequences (ESC [ … m) from i.
func skipEscapes(b []byte, i int) int {
	for i+1 < len(b) && b[i] == 0x1b && b[i+1] == '[' {
		j := i + 2
		for j < len(b) && (b[j] >= '0' && b[j] <= '9' || b[j] == ';') {
			j++
		}
		if j >= len(b) || b[j] != 'm' {
			return i
		}
		i = j + 1
	}
	return i
}
