//go:build tools

// Package deps pins modules that the project uses while the packages using
// them are being written (removed once every one has an importer).
package deps

import (
	_ "github.com/andybalholm/brotli"
	_ "github.com/fsnotify/fsnotify"
	_ "github.com/getsentry/sentry-go"
	_ "github.com/google/uuid"
	_ "github.com/klauspost/compress/zstd"
	_ "github.com/modelcontextprotocol/go-sdk/mcp"
	_ "github.com/spf13/cobra"
)
