// Command child is the program `spotlight run` supervises in the tests. Its
// first argument picks what it does; "gate" files let a test decide when it
// moves on, so no test needs to sleep.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/getsentry/sentry-go"
)

func main() {
	switch filepath.Base(os.Args[0]) {
	case "docker", "docker-compose":
		composeStandIn()
		return
	}
	if len(os.Args) < 2 {
		fail(errors.New("usage: child stdio|wait|sleep|sentry|sdklogs|env|args ..."))
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "stdio": // stdio <gate> <code>: print, wait for the gate, print a partial line, exit code
		fmt.Println("out one")
		fmt.Println("out two")
		fmt.Fprintln(os.Stderr, "err one")
		waitFor(args[0])
		fmt.Print("partial line")
		code, _ := strconv.Atoi(args[1])
		os.Exit(code)
	case "wait": // wait <pidfile>: start a grandchild, record both pids, block
		startGrandchild(args[0])
		fmt.Println("ready")
		select {}
	case "stubborn": // stubborn <pidfile>: like wait, ignoring the signals spotlight forwards
		signal.Ignore(syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
		startGrandchild(args[0])
		select {}
	case "daemon": // daemon <pidfile>: leave a grandchild holding stdout and stderr, exit 0
		startGrandchild(args[0])
		fmt.Println("bye")
	case "flood": // flood: print lines until stdout breaks
		for i := 0; ; i++ {
			fmt.Printf("line %d\n", i)
		}
	case "sleep":
		select {}
	case "sentry": // sentry <gate>: send an error with sentry-go, wait for the gate
		initSentry()
		sentry.CaptureException(errors.New("boom from sentry-go"))
		if !sentry.Flush(10 * time.Second) {
			fail(errors.New("sentry-go did not flush"))
		}
		fmt.Println("sent")
		waitFor(args[0])
	case "goodbye": // goodbye: say ready; on SIGTERM send an error with sentry-go, exit 0
		initSentry()
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGTERM)
		fmt.Println("ready")
		<-sigs
		sentry.CaptureException(errors.New("goodbye from sentry-go"))
		if !sentry.Flush(10 * time.Second) {
			fail(errors.New("sentry-go did not flush"))
		}
	case "sdklogs": // sdklogs <gate>: print a line and send the same line as a Sentry log
		initSentry()
		fmt.Println("the same line twice")
		sentry.NewLogger(context.Background()).Info().Emit("the same line twice")
		if !sentry.Flush(10 * time.Second) {
			fail(errors.New("sentry-go did not flush"))
		}
		waitFor(args[0])
	case "readline": // readline: say ready, echo one line of stdin back, exit 4
		fmt.Println("ready")
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil {
			fail(err)
		}
		fmt.Printf("got %s", line)
		os.Exit(4)
	case "trap": // trap: say ready, exit 7 on SIGINT
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGINT)
		fmt.Println("ready")
		<-sigs
		fmt.Println("interrupted")
		os.Exit(7)
	case "env": // env NAME...: print NAME=value lines
		for _, k := range args {
			fmt.Printf("%s=%s\n", k, os.Getenv(k))
		}
	case "args": // args ...: print the arguments, one a line
		for _, a := range args {
			fmt.Println(a)
		}
	default:
		fail(fmt.Errorf("unknown mode %q", os.Args[1]))
	}
}

// initSentry points sentry-go at the sidecar whose URL `spotlight run` put
// in SENTRY_SPOTLIGHT: sentry-go has no Spotlight option, but a DSN of the
// sidecar's host makes it post to /api/0/envelope/.
func initSentry() {
	u, err := url.Parse(os.Getenv("SENTRY_SPOTLIGHT"))
	if err != nil || u.Host == "" {
		fail(fmt.Errorf("SENTRY_SPOTLIGHT %q is not a URL", os.Getenv("SENTRY_SPOTLIGHT")))
	}
	if err := sentry.Init(sentry.ClientOptions{Dsn: "http://spotlight@" + u.Host + "/0"}); err != nil {
		fail(err)
	}
}

// startGrandchild starts "child sleep" (in this process's group, sharing its
// stdout and stderr as node does under npm) and writes "<pid> <grandchild
// pid>" to pidfile.
func startGrandchild(pidfile string) {
	gc := exec.Command(os.Args[0], "sleep")
	gc.Stdout, gc.Stderr = os.Stdout, os.Stderr
	if err := gc.Start(); err != nil {
		fail(err)
	}
	writeAtomic(pidfile, fmt.Sprintf("%d %d\n", os.Getpid(), gc.Process.Pid))
}

// waitFor polls for path: the test creates it when the child may go on.
func waitFor(path string) {
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func writeAtomic(path, s string) {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(s), 0o600); err != nil {
		fail(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "child:", strings.TrimSpace(err.Error()))
	os.Exit(99)
}
