package localfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// project makes root/src/app.go, a directory, a link to a file outside and
// a file outside; it returns root and the outside file.
func project(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "proj")
	if err := os.MkdirAll(filepath.Join(root, "src", "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "src", "app.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	outside = filepath.Join(base, "secret.txt")
	if err := os.WriteFile(outside, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "src", "link.txt")); err != nil {
		t.Fatal(err)
	}
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		t.Fatal(err)
	}
	return real, outside
}

func TestResolve(t *testing.T) {
	root, outside := project(t)
	other := t.TempDir() // the sidecar's own start directory
	if err := os.WriteFile(filepath.Join(other, "main.py"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	other, _ = filepath.EvalSymlinks(other)
	roots := Roots{root, "", other}
	app := filepath.Join(root, "src", "app.go")
	for _, tc := range []struct {
		name, in, want string
		err            error
	}{
		{"absolute", app, app, nil},
		{"relative to the first root", "src/app.go", app, nil},
		{"dot segments inside", filepath.Join(root, "src", "dir", "..", "app.go"), app, nil},
		{"file URL", "file://" + filepath.ToSlash(app), app, nil},
		{"second root", filepath.Join(other, "main.py"), filepath.Join(other, "main.py"), nil},
		{"outside", outside, "", ErrOutside},
		{"escaping with dot-dot", "../secret.txt", "", ErrOutside},
		{"symlink to outside", filepath.Join(root, "src", "link.txt"), "", ErrOutside},
		{"missing", filepath.Join(root, "src", "gone.go"), "", ErrNotFound},
		{"directory", filepath.Join(root, "src", "dir"), "", ErrNotRegular},
		{"empty", " ", "", ErrNoPath},
		{"http URL", "http://localhost:5173/src/main.ts", "", nil},
		{"file URL of another host", "file://example.com/etc/passwd", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := roots.Resolve(tc.in)
			if tc.want != "" {
				if err != nil || got != tc.want {
					t.Fatalf("Resolve(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Resolve(%q) = %q; want an error", tc.in, got)
			}
			if tc.err != nil && !errors.Is(err, tc.err) {
				t.Fatalf("Resolve(%q) error %v; want %v", tc.in, err, tc.err)
			}
		})
	}
}

func TestResolveWithoutRoots(t *testing.T) {
	root, _ := project(t)
	if _, err := (Roots{}).Resolve(filepath.Join(root, "src", "app.go")); !errors.Is(err, ErrOutside) {
		t.Fatalf("got %v; want ErrOutside", err)
	}
}

func TestHidden(t *testing.T) {
	root, _ := project(t)
	roots := Roots{root}
	for p, want := range map[string]bool{
		filepath.Join(root, "src", "app.go"):       false,
		filepath.Join(root, ".env"):                true,
		filepath.Join(root, ".git", "config"):      true,
		filepath.Join(root, "src", ".secret", "x"): true,
		filepath.Join(root, "src", "app.test.go"):  false,
	} {
		if got := roots.Hidden(p); got != want {
			t.Errorf("Hidden(%s) = %v", p, got)
		}
	}
}

func TestRel(t *testing.T) {
	root, outside := project(t)
	roots := Roots{root}
	if got := roots.Rel(filepath.Join(root, "src", "app.go")); got != "src/app.go" {
		t.Errorf("Rel = %q", got)
	}
	if got := roots.Rel(outside); got != "" {
		t.Errorf("Rel(outside) = %q; want empty", got)
	}
}
