// Package registry keeps the registry of running `spotlight run` instances:
// one JSON file per instance in a private directory, their health, cleanup
// and safe termination.
package registry

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/spotlight-dev/spotlight/internal/proc"
)

// Metadata is what `spotlight run` writes to instance_<instanceId>.json and
// sends in its ping to the Control Center. Field names are a contract.
type Metadata struct {
	InstanceID        string   `json:"instanceId"`
	Port              int      `json:"port"`
	PID               int      `json:"pid"`
	PIDStartTime      int64    `json:"pidStartTime"` // ms since epoch
	ChildPID          int      `json:"childPid"`
	ChildPIDStartTime int64    `json:"childPidStartTime"` // ms since epoch
	Command           string   `json:"command"`
	CmdArgs           []string `json:"cmdArgs"`
	CWD               string   `json:"cwd"`
	StartTime         string   `json:"startTime"` // ISO 8601 UTC
	ProjectName       string   `json:"projectName"`
	DetectedType      string   `json:"detectedType"` // package.json | docker-compose | command
}

// Validate checks what the registry and the Control Center rely on: an id
// that is a UUID (it becomes a file name), a usable port and a real PID.
func (m *Metadata) Validate() error {
	switch {
	case m.InstanceID == "":
		return errors.New("instanceId is missing")
	case !ValidID(m.InstanceID):
		return fmt.Errorf("instanceId %q is not a UUID", m.InstanceID)
	case m.Port < 1 || m.Port > 65535:
		return fmt.Errorf("port %d is out of range 1-65535", m.Port)
	case m.PID <= 0:
		return fmt.Errorf("pid %d is not a positive process id", m.PID)
	case !proc.ValidPID(m.PID):
		return fmt.Errorf("pid %d is beyond the operating system's PID range (1-%d)", m.PID, proc.MaxPID())
	case m.ChildPID < 0:
		return fmt.Errorf("childPid %d is negative", m.ChildPID)
	case m.ChildPID > 0 && !proc.ValidPID(m.ChildPID):
		return fmt.Errorf("childPid %d is beyond the operating system's PID range (1-%d)", m.ChildPID, proc.MaxPID())
	}
	return nil
}

// URL is where the instance's sidecar (and UI) is served.
func (m *Metadata) URL() string { return "http://localhost:" + strconv.Itoa(m.Port) }

// Status of an instance as found by a health check.
type Status string

const (
	StatusHealthy      Status = "healthy"
	StatusUnresponsive Status = "unresponsive"
	StatusOrphaned     Status = "orphaned"
	StatusDead         Status = "dead"
)

// Instance is an instance with its health, as listed.
type Instance struct {
	Metadata
	Status        Status `json:"status"`
	UptimeSeconds int64  `json:"uptimeSeconds"`
	URL           string `json:"url"`
}
