// Package webui serves the web UI that `make ui` builds into dist/, embedded
// in the binary.
package webui

// CONTRACT (to be implemented by the web UI work).

import "net/http"

// Handler serves the UI at / with client-side routes (unknown paths without
// a file extension get index.html), cache headers for hashed assets, and a
// page that says how to build the UI when the binary was built without it.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "the web UI is not built: run `make ui` then rebuild", http.StatusNotFound)
	})
}
