// Command spotlight-load measures a sidecar: N concurrent clients POST an
// envelope file for a duration (requests/s, latency percentiles), and K SSE
// subscribers measure how long each envelope takes from the start of its
// POST to its arrival on GET /stream.
//
//	spotlight-load -spawn ./bin/spotlight -file envelope.txt -c 8 -d 10s
//	spotlight-load -url http://localhost:8969 -file envelope.txt -c 1 -rate 200 -subscribers 10
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

type options struct {
	url         string
	spawn       string
	file        string
	path        string
	clients     int
	duration    time.Duration
	rate        float64
	subscribers int
	pid         int           // process whose RSS is reported (-spawn sets it)
	settle      time.Duration // wait after the load before reading RSS
	args        []string      // extra arguments for the -spawn binary
}

func main() {
	var o options
	flag.StringVar(&o.url, "url", "", "sidecar base URL, e.g. http://localhost:8969 (or use -spawn)")
	flag.StringVar(&o.spawn, "spawn", "", "start this spotlight binary on a free port for the run, and report its CPU time")
	flag.StringVar(&o.file, "file", "", "envelope file to POST (required)")
	flag.StringVar(&o.path, "path", "/stream", "ingest path (/stream or /api/0/envelope/)")
	flag.IntVar(&o.clients, "c", 8, "concurrent clients")
	flag.DurationVar(&o.duration, "d", 10*time.Second, "how long to send")
	flag.Float64Var(&o.rate, "rate", 0, "total requests per second across clients (0 = as fast as possible)")
	flag.IntVar(&o.subscribers, "subscribers", 0, "SSE subscribers measuring POST-to-delivery latency (0 = none)")
	flag.IntVar(&o.pid, "pid", 0, "report the RSS of this process (the sidecar behind -url) before and after the load")
	flag.DurationVar(&o.settle, "settle", 2*time.Second, "wait this long after the load before reading the RSS")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: spotlight-load [flags] [-- args for the -spawn binary, e.g. --buffer-bytes 64MiB]")
		flag.PrintDefaults()
	}
	flag.Parse()
	o.args = flag.Args()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "spotlight-load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, out io.Writer) error {
	if o.file == "" || (o.url == "") == (o.spawn == "") {
		return errors.New("give -file and exactly one of -url or -spawn (see -h)")
	}
	if o.clients < 1 || o.duration <= 0 || o.subscribers < 0 || o.rate < 0 {
		return errors.New("-c must be at least 1, -d positive, -rate and -subscribers not negative")
	}
	body, err := os.ReadFile(o.file)
	if err != nil {
		return err
	}
	var sc *spawned
	if o.spawn != "" {
		if sc, err = spawn(ctx, o.spawn, o.args); err != nil {
			return err
		}
		defer sc.stop()
		o.url = sc.url
		o.pid = sc.cmd.Process.Pid
	}
	var idle memory
	if o.pid != 0 {
		if idle, err = readMemory(o.pid); err != nil {
			return err
		}
	}
	subCtx, stopSubs := context.WithCancel(ctx)
	defer stopSubs()
	subs, err := subscribe(subCtx, o.url, o.subscribers)
	if err != nil {
		return err
	}
	res := send(ctx, o, body)
	fmt.Fprintf(out, "envelope: %s (%d bytes), %s%s, %d clients, %s", o.file, len(body), o.url, o.path, o.clients, o.duration)
	if o.rate > 0 {
		fmt.Fprintf(out, ", paced at %.0f/s", o.rate)
	}
	fmt.Fprintln(out)
	res.report(out)
	if len(subs) > 0 {
		deliveries(subs, res.sent).report(out, len(subs))
	}
	stopSubs()
	if o.pid != 0 {
		select {
		case <-time.After(o.settle):
		case <-ctx.Done():
		}
		after, err := readMemory(o.pid)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "sidecar RSS: idle %s, after %s, peak %s\n", mib(idle.rss), mib(after.rss), mib(after.peak))
		reportStats(ctx, out, o.url)
	}
	if sc != nil {
		cpu := sc.stop()
		fmt.Fprintf(out, "sidecar CPU: %.2f s (%.1f µs per envelope)\n", cpu.Seconds(), float64(cpu.Microseconds())/float64(max(res.ok, 1)))
	}
	return nil
}
