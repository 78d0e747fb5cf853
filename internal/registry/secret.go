package registry

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// SecretHeader is where a client presents the per-user secret to a sidecar
// (where the OS cannot tell the sidecar which user a connection comes from).
const SecretHeader = "X-Spotlight-Secret"

// secretFile holds the per-user secret in the registry directory, which
// only the user can enter (0700).
const secretFile = "secret"

// SecretPath is where the secret is kept.
func (r *Registry) SecretPath() string { return r.path(secretFile) }

// Secret returns the user's secret, creating it (32 random bytes, hex, in a
// 0600 file) on first use. It is created only when needed (a printed UI
// link, where the OS cannot name a connection's user), so on Linux the
// directory normally holds instance files alone.
func (r *Registry) Secret() (string, error) {
	if s, err := r.ExistingSecret(); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return s, err
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	s := hex.EncodeToString(b)
	f, err := r.openFile(secretFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return r.ExistingSecret() // another spotlight created it meanwhile
	}
	if err != nil {
		return "", fmt.Errorf("cannot create the secret in %s: %w", r.dir, err)
	}
	_, werr := f.WriteString(s + "\n")
	if err := errors.Join(werr, f.Close()); err != nil {
		return "", fmt.Errorf("cannot write the secret in %s: %w", r.dir, err)
	}
	return s, nil
}

// ExistingSecret reads the secret; the error wraps fs.ErrNotExist when
// there is none yet.
func (r *Registry) ExistingSecret() (string, error) {
	f, err := r.openFile(secretFile, os.O_RDONLY, 0)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 256))
	if err != nil {
		return "", err
	}
	s := strings.TrimSpace(string(b))
	if len(s) < 32 {
		return "", fmt.Errorf("the secret in %s is too short; remove the file to get a new one", r.SecretPath())
	}
	return s, nil
}

// ReadSecret returns the secret of the registry directory dir, for clients
// to present (SecretHeader); "" when there is none yet or dir is unusable.
func ReadSecret(dir string) string {
	r, err := Open(dir)
	if err != nil {
		return ""
	}
	defer r.Close()
	s, _ := r.ExistingSecret()
	return s
}
