package integration

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// `make dist` (its dist-binaries step, the UI being built already) builds release binaries: static (no dynamic loader), with
// no local paths (-trimpath), stripped, and stamped with the version.
// One platform here, this machine's, so the binary can be run.
func TestMakeDist(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Fatalf("this test reads ELF binaries; run it on linux")
	}
	root, err := testutil.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd := exec.Command("make", "-s", "dist-binaries", "PLATFORMS=linux/"+runtime.GOARCH, "VERSION=v9.9.9-test", "DIST="+dir)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make dist: %v\n%s", err, out)
	}
	bin := filepath.Join(dir, "spotlight-v9.9.9-test-linux-"+runtime.GOARCH)
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "spotlight version v9.9.9-test" {
		t.Fatalf("%s --version: %q %v", bin, out, err)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary needs a dynamic loader: not static")
		}
	}
	if f.Section(".symtab") != nil {
		t.Error("the binary has a symbol table: not stripped")
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), root+"/internal/") {
		t.Errorf("the binary holds the build's paths (%s): not built with -trimpath", root)
	}
}
