// Package registry keeps the registry of running `spotlight run` instances:
// one JSON file per instance in a private directory, their health, cleanup
// and safe termination.
package registry

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
