package sidecar

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/spotlight-dev/spotlight/internal/editor"
	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/localfile"
)

// openRequest is the body of POST /open. Line and column are 1-based, as
// Sentry frames and code.lineno send them.
type openRequest struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	// Instance is the instance a record of the Control Center's merged copy
	// came from (its instance.id): the file is in that app's project.
	Instance string `json:"instance"`
}

// maxOpenBody bounds the JSON body of POST /open.
const maxOpenBody = 16 << 10

// Reasons of a refused POST /open, for the UI to tell them apart.
const (
	reasonBadRequest = "bad-request"
	reasonNoEditor   = "no-editor"
	reasonOutside    = "outside-project"
	reasonNotFound   = "not-found"
	reasonNotFile    = "not-a-file"
	reasonFailed     = "editor-failed"
)

// handleOpen is POST /open: it opens a project file in the user's editor at
// a line and column. Answers {"file", "editor"} or {"error", "reason"}.
func (s *Server) handleOpen(w http.ResponseWriter, r *http.Request) {
	var req openRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxOpenBody))
	if err := dec.Decode(&req); err != nil {
		writeJSONError(w, http.StatusBadRequest, reasonBadRequest, `the body must be JSON: {"file": "/path/to/file", "line": 12, "column": 5}: `+err.Error())
		return
	}
	if req.Line < 0 || req.Column < 0 {
		writeJSONError(w, http.StatusBadRequest, reasonBadRequest, "line and column must be positive (1-based) or left out")
		return
	}
	path, err := s.project(req.Instance).Resolve(req.File)
	if err != nil {
		status, reason := http.StatusBadRequest, reasonBadRequest
		switch {
		case errors.Is(err, localfile.ErrOutside):
			status, reason = http.StatusForbidden, reasonOutside
		case errors.Is(err, localfile.ErrNotFound):
			status, reason = http.StatusNotFound, reasonNotFound
		case errors.Is(err, localfile.ErrNotRegular):
			status, reason = http.StatusUnprocessableEntity, reasonNotFile
		}
		writeJSONError(w, status, reason, err.Error())
		return
	}
	choice, err := editor.Choose(s.cfg.Editor())
	if err != nil {
		writeJSONError(w, http.StatusUnprocessableEntity, reasonNoEditor, err.Error())
		return
	}
	argv := choice.Command(editor.Target{File: path, Line: req.Line, Column: req.Column})
	s.log.Debug("opening in editor", "argv", argv, "from", choice.From)
	if err := s.cfg.RunEditor(r.Context(), argv); err != nil {
		writeJSONError(w, http.StatusBadGateway, reasonFailed, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"file": path, "editor": argv[0]})
}

// project is the directories of an instance's project ("": this sidecar's).
func (s *Server) project(instance string) localfile.Roots {
	if s.cfg.ProjectOf == nil {
		return nil
	}
	return s.cfg.ProjectOf(instance)
}

// projectOfRecord is the project of the app that sent a record.
func (s *Server) projectOfRecord(r *event.Record) localfile.Roots {
	if r.Instance == nil {
		return s.project("")
	}
	return s.project(r.Instance.ID)
}

// writeJSONError answers {"error": msg, "reason": reason}; the UI shows msg.
func writeJSONError(w http.ResponseWriter, status int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg, "reason": reason})
}
