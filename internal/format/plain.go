package format

// Plain is plain for callers outside the package that print text from a
// payload or a registry file (an instance's project name).
func Plain(s string) string { return plain(s) }
