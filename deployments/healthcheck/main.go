package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"
)

// defaultURL is the liveness endpoint of `vigie serve --http 0.0.0.0:8080`.
const defaultURL = "http://127.0.0.1:8080/healthz"

func main() {
	if err := run(context.Background(), os.Args[1:], http.DefaultTransport); err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		os.Exit(1)
	}
}

// run probes the URL given as the only argument, or defaultURL.
func run(ctx context.Context, args []string, rt http.RoundTripper) error {
	target := defaultURL
	switch len(args) {
	case 0:
	case 1:
		target = args[0]
	default:
		return errors.New("usage: healthcheck [URL]")
	}
	return probe(ctx, target, 3*time.Second, rt)
}

// probe GETs target within timeout and fails unless the status is 2xx.
func probe(ctx context.Context, target string, timeout time.Duration, rt http.RoundTripper) error {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("probe %q: want an http or https URL", target)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("probe %q: %w", target, err)
	}
	client := &http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("probe %q: %w", target, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("probe %q: status %d", target, resp.StatusCode)
	}
	return nil
}
