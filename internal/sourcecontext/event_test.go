package sourcecontext

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/localfile"
)

func TestForErrorAndApply(t *testing.T) {
	root := project(t)
	srv := devServer(t)
	e := &event.Error{
		Exceptions: []event.Exception{{Type: "Error", Frames: []event.Frame{
			{Filename: srv.URL + "/src/main.ts", Function: "total", Lineno: 3, Colno: 9, InApp: true},
			{Filename: "node:internal/x", Lineno: 1},
		}}},
		Frames: []event.Frame{{AbsPath: filepath.Join(root, "app.go"), Filename: "app.go", Lineno: 4, InApp: true}},
	}
	r := New()
	src, err := r.ForError(context.Background(), localfile.Roots{root}, e)
	if err != nil {
		t.Fatal(err)
	}
	if src.Exceptions[0][1] != nil || src.Exceptions[0][0] == nil || src.Frames[0] == nil {
		t.Fatalf("which frames: %+v", src)
	}
	got := src.Apply(e)
	if f := got.Exceptions[0].Frames[0]; f.Filename != "src/main.ts" || f.Lineno != 5 || f.Colno != 11 ||
		f.ContextLine != "    throw new Error('empty cart');" || f.AbsPath != filepath.Join(root, "src", "main.ts") {
		t.Errorf("mapped frame applied: %+v", f)
	}
	if f := got.Frames[0]; f.ContextLine != "line 4" || len(f.PreContext) != 3 || len(f.PostContext) != 5 {
		t.Errorf("disk frame applied: %+v", f)
	}
	// The held error is shared by every view: it stays as sent.
	if e.Exceptions[0].Frames[0].Lineno != 3 || e.Frames[0].ContextLine != "" {
		t.Errorf("Apply changed the original: %+v", e)
	}
}
