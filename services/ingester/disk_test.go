package ingester

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/disk"
	"vigie/pipeline/source"
)

// fillingDisk is a data folder whose free space the test sets; checks
// counts the guard's measures.
type fillingDisk struct {
	free   atomic.Uint64
	checks atomic.Int32
	lowAt  atomic.Int32 // from this measure on, the disk is nearly full (0: never)
}

func (d *fillingDisk) guard() *disk.Guard {
	return disk.NewGuardFunc("/data", 64<<20, nil, func(string) (uint64, uint64, error) {
		n := d.checks.Add(1)
		if at := d.lowAt.Load(); at > 0 && n >= at {
			return 10 << 20, 1 << 30, nil
		}
		return d.free.Load(), 1 << 30, nil
	})
}

// TestLowDiskPausesFeedsWithoutBlamingThem: while the data folder is under
// its reserve a poll publishes nothing and the source's failure count
// stays 0; a disk filling up in the middle of a feed stops it cleanly
// (validators not saved), and the next poll once space is freed publishes
// the rest, each item once.
func TestLowDiskPausesFeedsWithoutBlamingThem(t *testing.T) {
	t.Parallel()
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	body := fixtureFeed(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	d := &fillingDisk{}
	d.free.Store(10 << 20)
	svc := newService(t, b, func(o *Options) { o.Disk = d.guard(); o.MaxFailures = 2 })
	src := feedSource("jn", srv.URL, time.Hour)
	ctx := context.Background()
	if err := svc.Registry().Put(ctx, src); err != nil {
		t.Fatal(err)
	}

	for range 3 { // more than MaxFailures
		n, err := svc.Poll(ctx, src)
		if !errors.Is(err, disk.ErrLow) || n != 0 {
			t.Fatalf("poll on a full disk: %d items, %v; want 0 and disk.ErrLow", n, err)
		}
		if !strings.Contains(err.Error(), "/data is nearly full") {
			t.Fatalf("error %q does not name the folder", err)
		}
	}
	if got := items(t, b); got != 0 {
		t.Fatalf("%d items published on a full disk", got)
	}
	st, _, _ := svc.Registry().State(ctx, "jn")
	if st.Failures != 0 || st.Status == source.StatusDisabled || st.LastError != "" {
		t.Fatalf("a full disk was blamed on the source: %+v", st)
	}

	// Room again, then full after 4 more measures: the poll's own check and
	// three items.
	d.free.Store(1 << 30)
	d.lowAt.Store(d.checks.Load() + 5)
	n, err := svc.Poll(ctx, src)
	if !errors.Is(err, disk.ErrLow) || n != 3 {
		t.Fatalf("disk filling mid-feed: %d items, %v; want 3 and disk.ErrLow", n, err)
	}
	st, _, _ = svc.Registry().State(ctx, "jn")
	if st.Failures != 0 || st.ETag != "" || st.NextFetch.Before(time.Now().Add(DiskWait/2)) {
		t.Fatalf("state after a mid-feed stop: %+v (want no failure, no validator, next fetch in ~%s)", st, DiskWait)
	}

	d.lowAt.Store(0)
	n, err = svc.Poll(ctx, src)
	if err != nil {
		t.Fatalf("poll with room again: %v", err)
	}
	total := items(t, b)
	if total < 4 || uint64(n)+3 != total {
		t.Fatalf("after freeing space: %d new items, ITEMS holds %d; want the rest of the feed after the first 3", n, total)
	}
	st, _, _ = svc.Registry().State(ctx, "jn")
	if st.Status != source.StatusOK || st.ETag != `"v1"` {
		t.Fatalf("state after the complete poll: %+v", st)
	}
}

// TestLowDiskSocialSourceWaits: a social source is not streamed, and no
// failure is recorded against it, while the disk is nearly full.
func TestLowDiskSocialSourceWaits(t *testing.T) {
	t.Parallel()
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	d := &fillingDisk{}
	d.free.Store(10 << 20)
	svc := newService(t, b, func(o *Options) { o.Disk = d.guard(); o.MaxFailures = 1 })
	src := source.Source{ID: "bsky", Name: "bsky", Kind: source.KindBluesky, URL: "at://did:plc:abc"}
	ctx, cancel := context.WithCancel(context.Background())
	if err := svc.Registry().Put(ctx, src); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); svc.runSocial(ctx, src) }()
	bustest.Eventually(t, 10*time.Second, "the disk measured", func() bool { return d.checks.Load() > 0 })
	cancel()
	<-done
	st, _, _ := svc.Registry().State(context.Background(), "bsky")
	if st.Failures != 0 || st.LastError != "" || st.Cursor != "" {
		t.Fatalf("state after waiting on a full disk: %+v", st)
	}
}

// TestIntakeLowDisk: a tip arriving while the disk is nearly full gets 507
// with a Retry-After and is stored nowhere (neither the item nor its
// reporter); the same delivery retried once space is freed is accepted.
func TestIntakeLowDisk(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t, nil)
	d := &fillingDisk{}
	d.free.Store(10 << 20)
	e.svc.opts.Disk = d.guard()
	body := []byte(`{"text":"A ponte de Lima fecha amanhã.","reporter":"Ana <ana@example.org>"}`)
	status, ie, _ := e.post(t, "msg_disk", time.Now(), body, testSecret)
	if status != http.StatusInsufficientStorage || !strings.Contains(ie.Error, "storage is nearly full") {
		t.Fatalf("status %d %+v, want 507 saying the storage is full", status, ie)
	}
	if n := streamCount(t, e.bus.JS, bus.StreamItems); n != 0 {
		t.Fatalf("ITEMS holds %d messages", n)
	}
	if keys, _ := e.kv.ListKeys(context.Background()); keys != nil {
		for k := range keys.Keys() {
			t.Fatalf("reporter %s stored for a refused tip", k)
		}
	}
	d.free.Store(1 << 30)
	status, ie, tr := e.post(t, "msg_disk", time.Now(), body, testSecret)
	if status != http.StatusAccepted || tr.ID == "" {
		t.Fatalf("retry with room: status %d %+v", status, ie)
	}
}

// TestIntakeLowDiskRetryAfter checks the header a sender schedules its retry with.
func TestIntakeLowDiskRetryAfter(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	refuseLowDisk(rec)
	if rec.Code != http.StatusInsufficientStorage || rec.Header().Get("Retry-After") != "30" {
		t.Fatalf("status %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
}
