package indexer

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/codec"
	"vigie/pipeline/index"
)

// counting records how many times each document id was written successfully.
type counting struct {
	index.Backend
	mu     sync.Mutex
	writes map[string]int
}

func (c *counting) Upsert(ctx context.Context, docs []index.Document) error {
	if err := c.Backend.Upsert(ctx, docs); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, d := range docs {
		c.writes[d.ID()]++
	}
	return nil
}

func openBleve(t *testing.T) *index.Bleve {
	t.Helper()
	b, err := index.OpenBleve(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.EnsureSettings(context.Background(), claimdoc.Settings()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func publishClaims(t *testing.T, b *bus.Bus, items, perItem int) {
	t.Helper()
	for i := 0; i < items; i++ {
		ic := claims.ItemClaims{ItemID: fmt.Sprintf("item-%d", i), SourceID: "src", Language: "en", Analyzed: time.Now()}
		for j := 0; j < perItem; j++ {
			ic.Claims = append(ic.Claims, claims.Claim{ID: fmt.Sprintf("claim-%d-%d", i, j), Text: fmt.Sprintf("The council spent %d euros on road %d.", i*100+j, j), Worthiness: 0.7})
		}
		data, _ := codec.EncodeItemClaims(ic)
		if _, err := b.Publish(context.Background(), bus.ClaimsSubject("en"), data, ic.ItemID, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// TestIndexerRetriesFailedWrites: a backend that fails the next N writes;
// the indexer retries and every claim is indexed exactly once.
func TestIndexerRetriesFailedWrites(t *testing.T) {
	t.Parallel()
	s := bustest.Server(t)
	b := bustest.Bus(t, s, bus.DefaultTopology())
	bl := openBleve(t)
	faulty := index.NewFaulty(bl)
	faulty.FailWrites(3)
	be := &counting{Backend: faulty, writes: map[string]int{}}

	publishClaims(t, b, 30, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc := New(b, be, Options{BatchSize: 7, FlushInterval: 20 * time.Millisecond}, zaptest.NewLogger(t))
	// Short backoffs keep the test quick; the policy is the production one.
	svc.retry = bus.WorkerConfig{BaseBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()

	bustest.Eventually(t, 20*time.Second, "60 claims indexed", func() bool {
		n, _ := bl.Count(context.Background())
		return n == 60
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if faulty.Failed() != 3 {
		t.Errorf("%d injected failures happened, want 3", faulty.Failed())
	}
	if len(be.writes) != 60 {
		t.Errorf("%d distinct claims written, want 60", len(be.writes))
	}
	for id, n := range be.writes {
		if n != 1 {
			t.Errorf("claim %s written %d times, want exactly once", id, n)
		}
	}
}

// TestReviewEventsUpdateStatus: a review event changes the indexed status,
// and a claim indexed after its review takes the status from the bucket.
func TestReviewEventsUpdateStatus(t *testing.T) {
	t.Parallel()
	s := bustest.Server(t)
	b := bustest.Bus(t, s, bus.DefaultTopology())
	bl := openBleve(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	review, err := b.KV(ctx, bus.BucketReview)
	if err != nil {
		t.Fatal(err)
	}
	// claim-1-0 was reviewed before it is indexed: its state is only in the bucket.
	st, _ := codec.EncodeReviewState(claims.ReviewState{Status: claims.StatusDismissed})
	if _, err := review.Put(ctx, "claim-1-0", st); err != nil {
		t.Fatal(err)
	}
	publishClaims(t, b, 2, 1)
	svc := New(b, bl, Options{FlushInterval: 20 * time.Millisecond, Review: review}, zaptest.NewLogger(t))
	go func() { _ = svc.Run(ctx) }()
	status := func(id string) string {
		d, err := bl.Get(context.Background(), id)
		if err != nil {
			return ""
		}
		c, _ := claimdoc.FromDocument(d)
		return string(c.Status)
	}
	bustest.Eventually(t, 10*time.Second, "both claims indexed", func() bool { return status("claim-0-0") != "" && status("claim-1-0") != "" })
	if got := status("claim-1-0"); got != "dismissed" {
		t.Errorf("claim reviewed before indexing has status %q, want dismissed", got)
	}
	ev, _, _ := codec.EncodeReviewEvent(claims.ReviewEvent{ID: "ev-1", ClaimID: "claim-0-0", Actor: claims.Actor{Name: "ana"},
		Action: claims.ActionAssign, After: claims.ReviewState{Status: claims.StatusTriage, Assignee: "ana"}})
	if _, err := b.Publish(ctx, bus.ReviewSubject("claim-0-0"), ev, "ev-1", nil); err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 10*time.Second, "status triage", func() bool { return status("claim-0-0") == "triage" })
	d, _ := bl.Get(context.Background(), "claim-0-0")
	c, _ := claimdoc.FromDocument(d)
	if c.Assignee != "ana" {
		t.Errorf("assignee %q, want ana", c.Assignee)
	}
}

// TestInvalidDocumentIsIsolated: a claim the backend refuses (an id it
// cannot take) is dead-lettered alone; the claims batched with it are indexed.
func TestInvalidDocumentIsIsolated(t *testing.T) {
	t.Parallel()
	s := bustest.Server(t)
	b := bustest.Bus(t, s, bus.DefaultTopology())
	bl := openBleve(t)
	publishClaims(t, b, 5, 1)
	bad := claims.ItemClaims{ItemID: "bad", SourceID: "src", Analyzed: time.Now(),
		Claims: []claims.Claim{{ID: "not a valid id!", Text: "The town spent 5 euros."}}}
	data, _ := codec.EncodeItemClaims(bad)
	if _, err := b.Publish(context.Background(), bus.ClaimsSubject("en"), data, "bad", nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		_ = New(b, bl, Options{BatchSize: 10, FlushInterval: 20 * time.Millisecond}, zaptest.NewLogger(t)).Run(ctx)
	}()
	bustest.Eventually(t, 10*time.Second, "good claims indexed and the bad one dead-lettered", func() bool {
		n, _ := bl.Count(context.Background())
		st, _ := b.JS.Stream(context.Background(), bus.StreamDLQ)
		info, _ := st.Info(context.Background())
		return n == 5 && info.State.Msgs == 1
	})
}

// TestRetentionPurge deletes old claims nobody reviewed and keeps the rest.
func TestRetentionPurge(t *testing.T) {
	t.Parallel()
	s := bustest.Server(t)
	b := bustest.Bus(t, s, bus.DefaultTopology())
	bl := openBleve(t)
	ctx := context.Background()
	old := time.Now().Add(-72 * time.Hour)
	mk := func(id, status string, detected time.Time) index.Document {
		return claimdoc.Claim{ID: id, Text: "The town spent 5 euros.", Status: claims.ReviewStatus(status), Detected: detected}.Document()
	}
	if err := bl.Upsert(ctx, []index.Document{
		mk("old-new", "new", old), mk("old-dismissed", "dismissed", old), mk("old-triage", "triage", old),
		mk("old-published", "published", old), mk("recent-new", "new", time.Now()),
	}); err != nil {
		t.Fatal(err)
	}
	svc := New(b, bl, Options{Retention: 24 * time.Hour}, zaptest.NewLogger(t))
	n, err := svc.Purge(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("purged %d claims, want 2", n)
	}
	for id, kept := range map[string]bool{"old-new": false, "old-dismissed": false, "old-triage": true, "old-published": true, "recent-new": true} {
		_, err := bl.Get(ctx, id)
		if got := err == nil; got != kept {
			t.Errorf("%s kept=%v, want %v (%v)", id, got, kept, err)
		}
	}
}
