package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// localClient allows exactly the test server's address, as --demo does.
func localClient(srv *httptest.Server, cfg Config) *Client {
	cfg.AllowAddrs = append(cfg.AllowAddrs, srv.Listener.Addr().String())
	return New(cfg)
}

func TestConditionalGet(t *testing.T) {
	t.Parallel()
	const etag = `"v1"`
	const lastMod = "Wed, 21 Oct 2026 07:28:00 GMT"
	var gets int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gets++
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		w.Header().Set("Cache-Control", "public, max-age=600")
		if r.Header.Get("If-None-Match") == etag || r.Header.Get("If-Modified-Since") == lastMod {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		fmt.Fprint(w, "<rss><channel/></rss>")
	}))
	defer srv.Close()
	c := localClient(srv, Config{})
	ctx := context.Background()

	first, err := c.Get(ctx, srv.URL+"/feed", Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if first.NotModified || first.Status != 200 || string(first.Body) != "<rss><channel/></rss>" {
		t.Fatalf("first fetch = %+v", first)
	}
	if first.ETag != etag || first.LastModified != lastMod || first.MaxAge != 10*time.Minute {
		t.Fatalf("validators = %q %q max-age %v", first.ETag, first.LastModified, first.MaxAge)
	}
	if first.ContentType != "application/rss+xml; charset=utf-8" || first.FinalURL != srv.URL+"/feed" {
		t.Fatalf("content type %q final url %q", first.ContentType, first.FinalURL)
	}
	tests := []struct {
		name string
		v    Validators
	}{
		{"etag", Validators{ETag: etag}},
		{"last-modified", Validators{LastModified: lastMod}},
		{"both", Validators{ETag: first.ETag, LastModified: first.LastModified}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := c.Get(ctx, srv.URL+"/feed", tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if !r.NotModified || r.Status != 304 || len(r.Body) != 0 {
				t.Fatalf("got %+v, want 304 with no body", r)
			}
			if r.ETag != etag || r.LastModified != lastMod {
				t.Fatalf("validators not kept: %q %q", r.ETag, r.LastModified)
			}
		})
	}
}

func TestNotModifiedKeepsRequestValidators(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotModified) // no validators echoed
	}))
	defer srv.Close()
	r, err := localClient(srv, Config{}).Get(context.Background(), srv.URL, Validators{ETag: `W/"x"`, LastModified: "Mon, 02 Jan 2006 15:04:05 GMT"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.NotModified || r.ETag != `W/"x"` || r.LastModified != "Mon, 02 Jan 2006 15:04:05 GMT" {
		t.Fatalf("got %+v", r)
	}
}

func TestStatusErrors(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		status     int
		retryAfter string
		wantRetry  time.Duration
		temporary  bool
	}{
		{"429 with seconds", 429, "120", 2 * time.Minute, true},
		{"503 with http-date", 503, now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"429 without header", 429, "", 0, true},
		{"404", 404, "", 0, false},
		{"410 gone", 410, "", 0, false},
		{"500", 500, "garbage", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				w.WriteHeader(tc.status)
				fmt.Fprint(w, "error page")
			}))
			defer srv.Close()
			resp, err := localClient(srv, Config{Now: func() time.Time { return now }}).Get(context.Background(), srv.URL, Validators{})
			var se *StatusError
			if resp != nil || !errors.As(err, &se) {
				t.Fatalf("Get = %v, %v; want *StatusError", resp, err)
			}
			if se.Status != tc.status || se.RetryAfter != tc.wantRetry || se.Temporary() != tc.temporary {
				t.Fatalf("StatusError = %+v temporary=%v, want status %d retry %v temporary=%v", se, se.Temporary(), tc.status, tc.wantRetry, tc.temporary)
			}
			if ErrorKind(err) != KindStatus {
				t.Fatalf("ErrorKind = %q", ErrorKind(err))
			}
		})
	}
}

func TestBodyCap(t *testing.T) {
	t.Parallel()
	const maxBytes = 1000
	big := strings.Repeat("a", maxBytes+1)
	exact := strings.Repeat("b", maxBytes)
	gz := func(s string) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(s))
		zw.Close()
		return buf.Bytes()
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string // body, or "" for ErrBodyTooLarge
	}{
		{"content-length over cap", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(big)))
			fmt.Fprint(w, big)
		}, ""},
		{"chunked over cap", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, big[:500])
			w.(http.Flusher).Flush()
			fmt.Fprint(w, big[500:])
		}, ""},
		{"exactly the cap", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, exact) }, exact},
		{"gzip small on the wire, over cap decompressed", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz(strings.Repeat("z", 100*maxBytes)))
		}, ""},
		{"gzip under cap", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz(exact))
		}, exact},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			resp, err := localClient(srv, Config{MaxBodyBytes: maxBytes}).Get(context.Background(), srv.URL, Validators{})
			if tc.want == "" {
				if !errors.Is(err, ErrBodyTooLarge) || ErrorKind(err) != KindTooLarge {
					t.Fatalf("Get = %v, want ErrBodyTooLarge", err)
				}
				return
			}
			if err != nil || string(resp.Body) != tc.want {
				t.Fatalf("Get = %v; body %d bytes, want %d", err, len(resp.Body), len(tc.want))
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n == 0 {
			fmt.Fprint(w, "arrived")
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusMovedPermanently)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	tests := []struct {
		name, path string
		max        int
		wantKind   string
	}{
		{"five hops allowed", "/hop/5", 0, ""},
		{"six hops refused", "/hop/6", 0, KindRedirects},
		{"loop refused", "/loop", 0, KindRedirects},
		{"configured two", "/hop/3", 2, KindRedirects},
		{"no redirects", "/hop/1", -1, KindRedirects},
		{"redirect to file scheme", "/to-file", 0, KindInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := localClient(srv, Config{MaxRedirects: tc.max}).Get(context.Background(), srv.URL+tc.path, Validators{})
			if got := ErrorKind(err); got != tc.wantKind {
				t.Fatalf("ErrorKind(%v) = %q, want %q", err, got, tc.wantKind)
			}
			if tc.wantKind == "" && (string(resp.Body) != "arrived" || resp.FinalURL != srv.URL+"/hop/0") {
				t.Fatalf("got %q at %s", resp.Body, resp.FinalURL)
			}
		})
	}
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow-body" {
			w.Write([]byte("<rss>"))
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	for _, path := range []string{"/slow-headers", "/slow-body"} {
		t.Run(path, func(t *testing.T) {
			_, err := localClient(srv, Config{Timeout: 100 * time.Millisecond}).Get(context.Background(), srv.URL+path, Validators{})
			if ErrorKind(err) != KindTimeout {
				t.Fatalf("ErrorKind(%v) = %q, want timeout", err, ErrorKind(err))
			}
		})
	}
	t.Run("caller cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := localClient(srv, Config{}).Get(ctx, srv.URL, Validators{})
		if ErrorKind(err) != KindCanceled {
			t.Fatalf("ErrorKind(%v) = %q, want canceled", err, ErrorKind(err))
		}
	})
}

func TestRequestHeaders(t *testing.T) {
	t.Parallel()
	var ua, accept string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua, accept = r.Header.Get("User-Agent"), r.Header.Get("Accept")
	}))
	defer srv.Close()
	if _, err := localClient(srv, Config{UserAgent: "VigieTest/1"}).Get(context.Background(), srv.URL, Validators{}); err != nil {
		t.Fatal(err)
	}
	if ua != "VigieTest/1" || !strings.Contains(accept, "application/rss+xml") {
		t.Fatalf("User-Agent %q Accept %q", ua, accept)
	}
}

func TestErrorKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"blocked", fmt.Errorf("x: %w", &BlockedError{Addr: "127.0.0.1", Reason: reasonLoopback}), KindBlocked},
		{"too large", fmt.Errorf("x: %w", ErrBodyTooLarge), KindTooLarge},
		{"status", &StatusError{Status: 500}, KindStatus},
		{"redirects", ErrTooManyRedirects, KindRedirects},
		{"deadline", context.DeadlineExceeded, KindTimeout},
		{"dns", fmt.Errorf("x: %w", &dnsErr), KindDNS},
		{"other", errors.New("connection reset"), KindNetwork},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrorKind(tc.err); got != tc.want {
				t.Errorf("ErrorKind = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDNSFailureKind(t *testing.T) {
	t.Parallel()
	c := New(Config{LookupIP: fakeDNS(nil)})
	_, err := c.Get(context.Background(), "http://nowhere.test/", Validators{})
	if ErrorKind(err) != KindDNS {
		t.Fatalf("ErrorKind(%v) = %q, want dns", err, ErrorKind(err))
	}
}

func TestTLSFailureKind(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	// The test server's certificate is self-signed: verification must fail.
	_, err := localClient(srv, Config{}).Get(context.Background(), srv.URL, Validators{})
	if ErrorKind(err) != KindTLS {
		t.Fatalf("ErrorKind(%v) = %q, want tls", err, ErrorKind(err))
	}
}
