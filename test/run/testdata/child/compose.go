package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/getsentry/sentry-go"
	"golang.org/x/term"
)

// Invocation is what the compose stand-in records of how it was run.
type Invocation struct {
	Argv  []string          `json:"argv"`
	Env   []string          `json:"env"`
	Stdin string            `json:"stdin"`
	Files map[string]string `json:"files"` // every -f file's content, by the path given
}

// composeStandIn stands in for docker and docker-compose, whose daemon
// cannot run here (the tests link this program under those names). It
// records its invocation in $STANDIN_DIR/invocation.json, prints
// $STANDIN_OUTPUT on stdout as `docker compose up` would print container
// lines, optionally sends an error with sentry-go to $STANDIN_DSN (as an app
// in a container would), writes $STANDIN_DIR/ready, and then behaves as
// compose does on Ctrl+C: SIGINT stops "the containers" and exits 130
// (unless $STANDIN_STUBBORN is set); each signal is appended to
// $STANDIN_DIR/signals.
func composeStandIn() {
	dir := os.Getenv("STANDIN_DIR")
	args := os.Args[1:]
	if filepath.Base(os.Args[0]) == "docker" && len(args) >= 2 && args[0] == "compose" && args[1] == "version" {
		if os.Getenv("STANDIN_NO_PLUGIN") != "" {
			fmt.Fprintln(os.Stderr, "docker: 'compose' is not a docker command.")
			os.Exit(1)
		}
		fmt.Println("Docker Compose version v2.30.3")
		return
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	inv := Invocation{Argv: os.Args, Env: os.Environ(), Files: map[string]string{}}
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		data, err := io.ReadAll(os.Stdin)
		if err != nil {
			fail(err)
		}
		inv.Stdin = string(data)
	}
	for i, a := range args {
		if (a == "-f" || a == "--file") && i+1 < len(args) {
			data, err := os.ReadFile(args[i+1])
			if err != nil {
				fail(err)
			}
			inv.Files[args[i+1]] = string(data)
		}
	}
	data, err := json.Marshal(inv)
	if err != nil {
		fail(err)
	}
	writeAtomic(filepath.Join(dir, "invocation.json"), string(data))
	if out := os.Getenv("STANDIN_OUTPUT"); out != "" {
		data, err := os.ReadFile(out)
		if err != nil {
			fail(err)
		}
		os.Stdout.Write(data)
	}
	fmt.Fprintln(os.Stderr, " Container shop-web-1  Started")
	if dsn := os.Getenv("STANDIN_DSN"); dsn != "" {
		if err := sentry.Init(sentry.ClientOptions{Dsn: dsn}); err != nil {
			fail(err)
		}
		sentry.CaptureException(errors.New("boom from a container"))
		if !sentry.Flush(10 * time.Second) {
			fail(errors.New("sentry-go did not flush"))
		}
	}
	if code := os.Getenv("STANDIN_EXIT"); code != "" {
		n, _ := strconv.Atoi(code)
		os.Exit(n)
	}
	writeAtomic(filepath.Join(dir, "ready"), "")
	for sig := range sigs {
		f, err := os.OpenFile(filepath.Join(dir, "signals"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			fail(err)
		}
		fmt.Fprintln(f, signalNames()[sig.(syscall.Signal)])
		f.Close()
		switch {
		case sig != syscall.SIGINT:
			os.Exit(128 + int(sig.(syscall.Signal)))
		case os.Getenv("STANDIN_STUBBORN") == "":
			fmt.Fprintln(os.Stderr, "Gracefully stopping... (press Ctrl+C again to force)")
			fmt.Fprintln(os.Stderr, " Container shop-web-1  Stopped")
			os.Exit(130)
		}
	}
}

func signalNames() map[syscall.Signal]string {
	return map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM", syscall.SIGHUP: "SIGHUP"}
}
