// Package apptest starts Vigie's application in tests and reads what it
// did: an in-process app on a temporary data folder, the demo's real
// feeds served from loopback, authenticated API calls, and the streams'
// contents. The CLI, benchmark and whole-system tests share it.
package apptest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap/zaptest"

	"vigie/pipeline/account"
	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
	"vigie/services/reviewer"
	"vigie/services/vigie/app"
	"vigie/services/vigie/config"
	"vigie/services/vigie/demo"
)

// Config is a configuration for one process on data: an HTTP port of its
// own, loopback feeds allowed, an index flushed every 50 ms, and one
// source per feed URL (feed-0, feed-1, …, polled once an hour).
func Config(t testing.TB, data string, feedURLs ...string) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.Data = data
	cfg.HTTP.Addr = "127.0.0.1:0"
	cfg.Fetch.AllowPrivateNetworks = true // the feed server is on loopback
	cfg.Log.Level = "warn"
	cfg.Index.FlushInterval = config.Duration(50 * time.Millisecond)
	for i, u := range feedURLs {
		cfg.Sources = append(cfg.Sources, config.Source{ID: fmt.Sprintf("feed-%d", i), Name: fmt.Sprintf("Feed %d", i), Kind: "feed", URL: u, Interval: config.Duration(time.Hour)})
	}
	return cfg
}

// Start starts the application with cfg (logging to the test), gives it an
// admin API token for Get and Claims, and shuts it down at the end of the
// test (a test may shut it down earlier: later calls do nothing).
func Start(t testing.TB, cfg config.Config, opt app.Options) *app.App {
	t.Helper()
	if opt.Log == nil {
		opt.Log = zaptest.NewLogger(t)
	}
	a, err := app.Start(context.Background(), cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = Shutdown(a, 20*time.Second) })
	Register(t, a)
	return a
}

// Shutdown shuts a down within d.
func Shutdown(a *app.App, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return a.Shutdown(ctx)
}

// tokens maps an HTTP address to an admin API token for it.
var tokens sync.Map

// Register creates an admin API token for a, used by Get and Claims on its
// address.
func Register(t testing.TB, a *app.App) {
	t.Helper()
	tok, _, err := a.Accounts().CreateToken(context.Background(), "admin", "tests", account.ScopeFull)
	if err != nil {
		t.Fatalf("create the tests' API token: %v", err)
	}
	SetToken(a.HTTPAddr(), tok)
}

// SetToken records the API token Get and Claims send to addr (a process
// the test started, whose token came from `vigie tokens create`).
func SetToken(addr, token string) { tokens.Store(addr, token) }

// Get does a GET of path on the Vigie at addr, with its API token when
// one was recorded.
func Get(t testing.TB, addr, path string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok, ok := tokens.Load(addr); ok {
		req.Header.Set("Authorization", "Bearer "+tok.(string))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// Claims queries GET /api/v1/claims?query on the Vigie at addr.
func Claims(t testing.TB, addr, query string) reviewer.ClaimsResponse {
	t.Helper()
	resp := Get(t, addr, "/api/v1/claims?"+query)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/claims?%s: %d %s", query, resp.StatusCode, b)
	}
	var out reviewer.ClaimsResponse
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("decode claims: %v: %s", err, b)
	}
	return out
}

// FeedServer serves files of the demo (real fixture feeds) as RSS.
func FeedServer(t testing.TB, files ...string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	for _, f := range files {
		b, err := demo.Feed(f)
		if err != nil {
			t.Fatal(err)
		}
		mux.HandleFunc("/"+f, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			_, _ = w.Write(b)
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// StreamMsgs is the number of messages of a stream.
func StreamMsgs(t testing.TB, js jetstream.JetStream, name string) uint64 {
	t.Helper()
	st, err := js.Stream(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// ConsumerIdle reports whether a durable consumer has nothing pending or
// unacknowledged.
func ConsumerIdle(t testing.TB, js jetstream.JetStream, stream, durable string) bool {
	t.Helper()
	c, err := js.Consumer(context.Background(), stream, durable)
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.NumPending == 0 && info.NumAckPending == 0
}

// AllMsgs reads every message of a stream.
func AllMsgs(t testing.TB, js jetstream.JetStream, name string) []*jetstream.RawStreamMsg {
	t.Helper()
	ctx := context.Background()
	st, err := js.Stream(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []*jetstream.RawStreamMsg
	for seq := info.State.FirstSeq; info.State.Msgs > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			continue
		}
		out = append(out, m)
	}
	return out
}

// CountPerItem counts the messages of ITEMS or CLAIMS per item id.
func CountPerItem(t testing.TB, js jetstream.JetStream, stream string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, m := range AllMsgs(t, js, stream) {
		switch stream {
		case bus.StreamItems:
			it, err := codec.DecodeItem(m.Data)
			if err != nil {
				t.Fatal(err)
			}
			out[it.ID]++
		case bus.StreamClaims:
			ic, err := codec.DecodeItemClaims(m.Data)
			if err != nil {
				t.Fatal(err)
			}
			out[ic.ItemID]++
		}
	}
	return out
}
