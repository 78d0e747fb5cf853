package runner

import (
	"log/slog"
	"os/exec"
	"runtime"
)

// openBrowser opens url in the desktop's browser without waiting for it; a
// machine without one only gets a debug message (the URL is printed anyway).
func openBrowser(url string, logger *slog.Logger) {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		logger.Debug("cannot open a browser", "url", url, "err", err)
		return
	}
	go func() { _ = cmd.Wait() }()
}
