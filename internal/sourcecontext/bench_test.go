package sourcecontext

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/localfile"
)

// BenchmarkFromDisk: the lines around line 900 of a 1,000-line file.
func BenchmarkFromDisk(b *testing.B) {
	root := b.TempDir()
	var src strings.Builder
	for i := 1; i <= 1000; i++ {
		fmt.Fprintf(&src, "    const value%d = compute(%d); // a line of ordinary length\n", i, i)
	}
	if err := os.WriteFile(filepath.Join(root, "app.js"), []byte(src.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	r, roots := New(), localfile.Roots{root}
	frames := []Frame{{File: "app.js", Line: 900}}
	b.ReportAllocs()
	for b.Loop() {
		if res, err := r.Resolve(context.Background(), roots, frames); err != nil || res[0].Context == nil {
			b.Fatal(err, res)
		}
	}
}

// BenchmarkSourceMap: one browser frame of Vite's real output, fetched from
// a loopback server and mapped through its inline source map.
func BenchmarkSourceMap(b *testing.B) {
	srv := devServer(b)
	r, roots := New(), localfile.Roots{}
	frames := []Frame{{File: srv.URL + "/src/main.ts", Line: 3, Column: 9}}
	b.ReportAllocs()
	for b.Loop() {
		if res, err := r.Resolve(context.Background(), roots, frames); err != nil || res[0].Mapped == nil {
			b.Fatal(err, res)
		}
	}
}
