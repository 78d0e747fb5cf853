package registry

// CONTRACT (to be implemented by the Control Center work).

// EnvDir overrides the registry directory.
const EnvDir = "SPOTLIGHT_REGISTRY_DIR"

// DefaultDir returns $SPOTLIGHT_REGISTRY_DIR, else /tmp/spotlight-$USER/instances
// (%TEMP%\spotlight-%USERNAME%\instances on Windows).
func DefaultDir() string { panic("not implemented") }

// Registry is the registry directory. Create it with Open.
type Registry struct{}

// Open creates dir (0700) if missing and checks it is safe: a real directory
// (not a symlink), owned by the current user, not group/world-writable. The
// error says why it is refused and how to fix it.
func Open(dir string) (*Registry, error) { panic("not implemented") }

// Dir returns the directory path.
func (r *Registry) Dir() string { panic("not implemented") }

// Register writes instance_<id>.json (0600) atomically: temp file in the same
// directory, fsync, rename.
func (r *Registry) Register(m Metadata) error { panic("not implemented") }

// Unregister removes the instance's file (no error if already gone).
func (r *Registry) Unregister(instanceID string) error { panic("not implemented") }
