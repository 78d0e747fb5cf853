package compose

import (
	"bytes"
	"io"
	"os"
	"path/filepath"

	"github.com/joho/godotenv"
)

// maxDotEnvBytes bounds how much of a .env file is read.
const maxDotEnvBytes = 1 << 20

// withDotEnv returns getenv falling back to the .env file (or --env-file)
// of the project directory, as compose does for its own COMPOSE_* settings
// (COMPOSE_FILE there picks the files as surely as in the environment) and
// for interpolation. A missing or unreadable file adds nothing; compose
// reports a broken one itself.
func withDotEnv(path string, getenv func(string) string) func(string) string {
	vals := readDotEnv(path)
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return vals[k]
	}
}

func readDotEnv(path string) map[string]string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxDotEnvBytes))
	if err != nil {
		return nil
	}
	vals, err := godotenv.Parse(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	return vals
}

// dotEnvPath is the .env compose reads: --env-file (relative to the
// working directory dir), else .env in the project directory.
func dotEnvPath(dir, projectDir, envFile string) string {
	switch {
	case envFile != "":
		return absIn(dir, envFile)
	case projectDir != "":
		return filepath.Join(absIn(dir, projectDir), ".env")
	}
	return filepath.Join(dir, ".env")
}

func absIn(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}
