package sourcecontext

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// loopbackURL accepts an http(s) URL whose host is a loopback name or
// address: a dev server on this machine. Anything else (a deployed site, a
// LAN address) is never fetched.
func loopbackURL(s string) (*url.URL, bool) {
	if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
		return nil, false
	}
	u, err := url.Parse(s)
	if err != nil || u.User != nil || !isLoopbackHost(u.Hostname()) {
		return nil, false
	}
	return u, true
}

func isLoopbackHost(h string) bool {
	h = strings.ToLower(h)
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

var errNotLoopback = errors.New("not a loopback address")

// loopbackClient connects only to loopback IPs, whatever a name resolves
// to (a hosts-file entry cannot point "localhost" elsewhere), uses no
// proxy, and follows redirects only to loopback URLs.
func loopbackClient() *http.Client {
	d := &net.Dialer{
		Timeout: fetchTimeout,
		Control: func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("%s: %w", address, errNotLoopback)
			}
			return nil
		},
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           d.DialContext,
			ResponseHeaderTimeout: fetchTimeout,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       30 * time.Second, // a dev server's connection is not held for ever
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("too many redirects")
			}
			if !isLoopbackHost(req.URL.Hostname()) {
				return fmt.Errorf("redirect to %s: %w", req.URL.Host, errNotLoopback)
			}
			return nil
		},
	}
}

// fetch GETs u with a time-out, reading at most limit bytes (and no more
// than what is left of the call's budget).
func (c *call) fetch(ctx context.Context, u *url.URL, limit int64) ([]byte, http.Header, error) {
	limit = min(limit, c.budget)
	if limit <= 0 {
		return nil, nil, errors.New("this request fetched its limit of source maps already")
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	resp, err := c.r.client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("fetching %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("fetching %s: %s", u.Redacted(), resp.Status)
	}
	if resp.ContentLength > limit {
		return nil, nil, fmt.Errorf("%s is %d bytes, over the limit of %d", u.Redacted(), resp.ContentLength, limit)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, nil, fmt.Errorf("fetching %s: %w", u.Redacted(), err)
	}
	if int64(len(b)) > limit {
		return nil, nil, fmt.Errorf("%s is over the limit of %d bytes", u.Redacted(), limit)
	}
	c.budget -= int64(len(b))
	return b, resp.Header, nil
}
