package ingester

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/nats-io/nats.go/jetstream"

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/fixtures"
	"vigie/pipeline/source"
)

// corpus is the real Jetstream capture of package fixtures.
var corpus = fixtures.Path("social", "bluesky", "jetstream_expected_v1_2026-07-04.jsonl")

// jetstream replays the corpus after the requested cursor; each
// connection is dropped (no close frame) after dropAfter events when set.
func fakeJetstream(t *testing.T, dropAfter *atomic.Int32) *httptest.Server {
	t.Helper()
	f, err := os.Open(corpus)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type ev struct {
		us  int64
		raw []byte
	}
	var events []ev
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var head struct {
			TimeUS int64 `json:"time_us"`
		}
		if err := json.Unmarshal(line, &head); err != nil {
			t.Fatal(err)
		}
		events = append(events, ev{head.TimeUS, append([]byte(nil), line...)})
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cursor, _ := strconv.ParseInt(r.URL.Query().Get("cursor"), 10, 64)
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		sent := int32(0)
		for _, e := range events {
			if cursor > 0 && e.us < cursor {
				continue
			}
			if n := dropAfter.Load(); n > 0 && sent >= n {
				// Pause so the client releases what it holds, then drop without a close frame.
				time.Sleep(400 * time.Millisecond)
				return
			}
			if err := c.Write(r.Context(), websocket.MessageText, e.raw); err != nil {
				return
			}
			sent++
		}
		<-r.Context().Done()
	}))
}

// TestBlueskyResumesFromCursor: the English posts of the corpus reach ITEMS
// exactly once although the connection drops and the ingester restarts
// from the cursor it stored.
func TestBlueskyResumesFromCursor(t *testing.T) {
	t.Parallel()
	ns := bustest.Server(t)
	b := bustest.Bus(t, ns, bus.DefaultTopology())
	var drop atomic.Int32
	drop.Store(40)
	js := fakeJetstream(t, &drop)
	defer js.Close()
	wsURL := "ws" + js.URL[len("http"):] + "/subscribe"
	src := source.Source{ID: "bsky-en", Kind: source.KindBluesky, URL: "https://bsky.app/search?q=lang:en", Interval: time.Minute}

	run := func(owner string, until func() bool) {
		svc := newService(t, b, func(o *Options) {
			o.Owner = owner
			o.Social = SocialOptions{JetstreamURL: wsURL, StreamLease: 3 * time.Second, ReorderWindow: 100 * time.Millisecond}
		})
		if err := svc.Registry().Put(context.Background(), src); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); _ = svc.Run(ctx) }()
		bustest.Eventually(t, 30*time.Second, "posts ingested", until)
		cancel()
		<-done
	}
	// First process: stops once some posts are in.
	run("one", func() bool { return items(t, b) >= 2 })
	first := items(t, b)
	st, _, _ := source.NewRegistry(mustKV(t, b)).State(context.Background(), "bsky-en")
	if st.Cursor == "" {
		t.Fatal("no cursor stored")
	}
	// Second process: resumes from the cursor, with the connection dropping every 40 events.
	const wantEnglish = 9 // posts whose langs include en: counted in the corpus
	run("two", func() bool { return items(t, b) >= wantEnglish })
	if got := items(t, b); got != wantEnglish {
		t.Fatalf("ITEMS has %d posts after resume (first run %d), want %d exactly", got, first, wantEnglish)
	}
}

func mustKV(t *testing.T, b *bus.Bus) jetstream.KeyValue {
	t.Helper()
	kv, err := b.KV(context.Background(), bus.BucketSources)
	if err != nil {
		t.Fatal(err)
	}
	return kv
}
