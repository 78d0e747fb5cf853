package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// EnvDir overrides the registry directory.
const EnvDir = "SPOTLIGHT_REGISTRY_DIR"

const (
	filePrefix = "instance_"
	fileSuffix = ".json"
	tempPrefix = ".instance_"
)

// DefaultDir returns $SPOTLIGHT_REGISTRY_DIR, else /tmp/spotlight-$USER/instances
// (%TEMP%\spotlight-%USERNAME%\instances on Windows).
func DefaultDir() string { return DirFromEnv(os.Getenv) }

// DirFromEnv is DefaultDir reading the environment through getenv (for
// commands whose environment is injected).
func DirFromEnv(getenv func(string) string) string {
	if d := getenv(EnvDir); d != "" {
		return d
	}
	if runtime.GOOS == "windows" {
		return filepath.Join(os.TempDir(), "spotlight-"+userName(getenv("USERNAME")), "instances")
	}
	// /tmp rather than $TMPDIR: on macOS $TMPDIR differs between a terminal
	// and a launchd agent, and every spotlight of the user must meet here.
	return filepath.Join("/tmp", "spotlight-"+userName(getenv("USER")), "instances")
}

func userName(fromEnv string) string {
	if fromEnv != "" && !strings.ContainsAny(fromEnv, `/\`) {
		return fromEnv
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return filepath.Base(strings.ReplaceAll(u.Username, `\`, "/"))
	}
	return strconv.Itoa(os.Getuid())
}

// Registry is the registry directory. Create it with Open.
//
// The directory is opened once (root) and every file operation goes through
// that handle (openat and friends), so a path swapped after Open cannot
// redirect them; and before every use the path is checked again (verify),
// so a swap is refused rather than silently ignored.
type Registry struct {
	dir           string
	root          *os.Root
	client        *http.Client
	now           func() time.Time
	logger        *slog.Logger
	grace         time.Duration
	healthTimeout time.Duration
	invalidMaxAge time.Duration
}

// Option configures a Registry.
type Option func(*Registry)

// WithHTTPClient sets the client of the health checks (its own Timeout is
// kept if shorter than the health-check time-out). The default refuses a
// sidecar whose socket another user owns.
func WithHTTPClient(c *http.Client) Option { return func(r *Registry) { r.client = c } }

// WithClock sets the clock used for uptimes and the age of invalid files.
func WithClock(now func() time.Time) Option { return func(r *Registry) { r.now = now } }

// WithLogger sets where skipped files and clean-ups are reported (debug).
func WithLogger(l *slog.Logger) Option { return func(r *Registry) { r.logger = l } }

// WithHealthTimeout sets how long a health check's HTTP request may take.
func WithHealthTimeout(d time.Duration) Option { return func(r *Registry) { r.healthTimeout = d } }

// WithGracePeriod sets how long Terminate waits after SIGTERM before SIGKILL.
func WithGracePeriod(d time.Duration) Option { return func(r *Registry) { r.grace = d } }

// Defaults of a Registry.
const (
	DefaultGracePeriod   = 5 * time.Second
	DefaultHealthTimeout = time.Second
	// InvalidMaxAge is how old an invalid file must be before cleanup
	// removes it: younger ones may be a writer's file from an older version
	// or a manual edit in progress.
	InvalidMaxAge = time.Minute
)

// Open creates dir (0700) if missing and checks it is safe: a real directory
// (not a symlink), owned by the current user, not group/world-writable. The
// error says why it is refused and how to fix it.
func Open(dir string, opts ...Option) (*Registry, error) {
	if dir == "" {
		return nil, errors.New("registry directory is empty: set " + EnvDir + " or unset it for the default")
	}
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("cannot create registry directory %s: %w (set %s to a writable directory)", dir, err, EnvDir)
		}
	}
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open registry directory %s: %w", dir, err)
	}
	r := &Registry{
		dir:           dir,
		root:          root,
		client:        &http.Client{Transport: ownSidecarsOnly()},
		now:           time.Now,
		logger:        slog.New(slog.DiscardHandler),
		grace:         DefaultGracePeriod,
		healthTimeout: DefaultHealthTimeout,
		invalidMaxAge: InvalidMaxAge,
	}
	for _, o := range opts {
		o(r)
	}
	// Callers that open a registry per request need not close it.
	runtime.AddCleanup(r, func(root *os.Root) { _ = root.Close() }, root)
	if err := r.verify(); err != nil { // swapped between the check and the open
		return nil, err
	}
	return r, nil
}

// Close releases the directory handle (also done when r is collected).
func (r *Registry) Close() error { return r.root.Close() }

// verify checks, before each use, that the path still is a safe directory
// and still the one whose handle r holds: another user who swapped it (or
// an ancestor) after Open must not have their files read or their PIDs
// signalled.
func (r *Registry) verify() error {
	if err := checkDir(r.dir); err != nil {
		return err
	}
	onPath, err := os.Lstat(r.dir)
	if err != nil {
		return fmt.Errorf("cannot use registry directory %s: %w", r.dir, err)
	}
	held, err := r.root.Stat(".")
	if err != nil {
		return fmt.Errorf("cannot use registry directory %s: %w", r.dir, err)
	}
	if !os.SameFile(onPath, held) {
		return fmt.Errorf("refusing registry directory %s: it was replaced by another directory since spotlight opened it; restart spotlight, and check who can write to its parent", r.dir)
	}
	return checkOwner(r.dir, held)
}

// path is the path of a file in the directory (for messages).
func (r *Registry) path(name string) string { return filepath.Join(r.dir, name) }

// openFile opens a file of the directory through its handle, after verify;
// a file opened for reading must be a regular file of the user's own.
func (r *Registry) openFile(name string, flag int, perm fs.FileMode) (*os.File, error) {
	if err := r.verify(); err != nil {
		return nil, err
	}
	f, err := r.root.OpenFile(name, flag|syscallNoFollow, perm)
	if err != nil {
		return nil, err
	}
	if err := checkFile(r.path(name), f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// checkDir refuses anything but a real directory that only its owner, the
// current user, can write: another user able to write here could plant an
// instance file whose PIDs make `spotlight terminate` signal their choice.
func checkDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("cannot use registry directory %s: %w", dir, err)
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("refusing registry directory %s: it is a symlink; remove it (rm %s) so spotlight can create a private directory, or set %s to another path", dir, dir, EnvDir)
	case !fi.IsDir():
		return fmt.Errorf("refusing registry directory %s: it is not a directory; remove it or set %s to another path", dir, EnvDir)
	}
	if err := checkOwner(dir, fi); err != nil {
		return err
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("refusing registry directory %s: it is writable by group or others (mode %04o); fix it with: chmod 700 %s", dir, fi.Mode().Perm(), dir)
	}
	return nil
}

// syncDir makes a rename durable; failure only weakens durability, never
// atomicity, so it is ignored.
func (r *Registry) syncDir() {
	if d, err := r.root.Open("."); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// Dir returns the directory path.
func (r *Registry) Dir() string { return r.dir }

// FileName is the registry file name of an instance.
func FileName(instanceID string) string { return filePrefix + instanceID + fileSuffix }

// idFromFileName returns the instance id of a registry file name, or false
// for any other file (temp files, editors' backups, foreign files).
func idFromFileName(name string) (string, bool) {
	if !strings.HasPrefix(name, filePrefix) || !strings.HasSuffix(name, fileSuffix) {
		return "", false
	}
	id := strings.TrimSuffix(strings.TrimPrefix(name, filePrefix), fileSuffix)
	return id, ValidID(id)
}

// ValidID reports whether id is a UUID in its canonical lowercase form, the
// only form that may become part of a file name.
func ValidID(id string) bool {
	u, err := uuid.Parse(id)
	return err == nil && u.String() == id
}

// Register writes instance_<id>.json (0600) atomically: temp file in the same
// directory, fsync, rename. Readers therefore see the old file, the new one,
// or none, never a part.
func (r *Registry) Register(m Metadata) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("cannot register instance: %w", err)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := tempPrefix + uuid.NewString() + ".tmp"
	f, err := r.openFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("cannot register instance in %s: %w", r.dir, err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = r.root.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		f.Close()
		return err
	}
	if _, err := f.Write(append(data, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("cannot write registry file %s: %w", r.path(tmp), err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("cannot sync registry file %s: %w", r.path(tmp), err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := r.root.Rename(tmp, FileName(m.InstanceID)); err != nil {
		return fmt.Errorf("cannot register instance in %s: %w", r.dir, err)
	}
	ok = true
	r.syncDir()
	return nil
}

// Unregister removes the instance's file (no error if already gone).
func (r *Registry) Unregister(instanceID string) error {
	if !ValidID(instanceID) {
		return fmt.Errorf("invalid instance id %q: expected a UUID", instanceID)
	}
	if err := r.verify(); err != nil {
		return err
	}
	err := r.root.Remove(FileName(instanceID))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot unregister instance %s: %w", instanceID, err)
	}
	return nil
}
