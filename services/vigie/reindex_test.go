package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/codec"
	"vigie/pipeline/index"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
)

type snapshot struct {
	docs   map[string]index.Document
	facets map[string]map[string]int
}

func snapshotIndex(t *testing.T, b index.Backend) snapshot {
	t.Helper()
	res, err := b.Search(context.Background(), index.Query{Limit: 10000, Facets: []string{"status", "source", "language", "flagged"}})
	if err != nil {
		t.Fatal(err)
	}
	s := snapshot{docs: map[string]index.Document{}, facets: res.Facets}
	for _, h := range res.Hits {
		s.docs[h.ID] = h.Doc
	}
	if len(s.docs) != res.Total {
		t.Fatalf("snapshot got %d of %d documents", len(s.docs), res.Total)
	}
	return s
}

// TestReindexRebuildsSameIndex: delete the index folder, run `vigie
// reindex`: the same documents and facet counts as before, review
// statuses included.
func TestReindexRebuildsSameIndex(t *testing.T) {
	t.Parallel()
	feeds := apptest.FeedServer(t, "jn-porto.rss", "uol-noticias.rss", "reporterre.xml")
	data := t.TempDir()
	cfg := apptest.Config(t, data, feeds.URL+"/jn-porto.rss", feeds.URL+"/uol-noticias.rss", feeds.URL+"/reporterre.xml")
	ctx := context.Background()
	a := apptest.Start(t, cfg, app.Options{})
	bustest.Eventually(t, 30*time.Second, "feeds indexed", func() bool {
		return apptest.StreamMsgs(t, a.Bus().JS, bus.StreamItems) > 40 &&
			apptest.StreamMsgs(t, a.Bus().JS, bus.StreamClaims) == apptest.StreamMsgs(t, a.Bus().JS, bus.StreamItems) &&
			apptest.ConsumerIdle(t, a.Bus().JS, bus.StreamClaims, bus.ConsumerIndexer)
	})
	// Review two claims: the state goes to the review bucket and an event to REVIEW.
	res := apptest.Claims(t, a.HTTPAddr(), "q=&limit=2")
	if len(res.Hits) < 2 {
		t.Fatalf("want at least 2 claims, got %d", len(res.Hits))
	}
	review, err := a.Bus().KV(ctx, bus.BucketReview)
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range []claims.ReviewStatus{claims.StatusTriage, claims.StatusDismissed} {
		id := res.Hits[i].ID
		after := claims.ReviewState{Status: st, Assignee: "ana"}
		b, _ := codec.EncodeReviewState(after)
		if _, err := review.Put(ctx, id, b); err != nil {
			t.Fatal(err)
		}
		ev, _, _ := codec.EncodeReviewEvent(claims.ReviewEvent{ID: "ev-" + id, ClaimID: id, Actor: claims.Actor{Name: "ana"}, Action: claims.ActionStatus, After: after})
		if _, err := a.Bus().Publish(ctx, bus.ReviewSubject(id), ev, "ev-"+id, nil); err != nil {
			t.Fatal(err)
		}
	}
	bustest.Eventually(t, 10*time.Second, "review statuses indexed", func() bool {
		r := apptest.Claims(t, a.HTTPAddr(), "q=&facets=status")
		return r.Facets["status"]["triage"] == 1 && r.Facets["status"]["dismissed"] == 1
	})
	before := snapshotIndex(t, a.Index())
	if err := apptest.Shutdown(a, 10*time.Second); err != nil {
		t.Fatal(err)
	}

	if err := os.RemoveAll(filepath.Join(data, "index")); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"reindex", "--data", data}, io.Discard, io.Discard); err != nil {
		t.Fatalf("vigie reindex: %v", err)
	}
	idx, err := index.OpenBleve(filepath.Join(data, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if err := idx.EnsureSettings(ctx, claimdoc.Settings()); err != nil {
		t.Fatal(err)
	}
	after := snapshotIndex(t, idx)
	if len(after.docs) != len(before.docs) {
		t.Fatalf("rebuilt index has %d documents, want %d", len(after.docs), len(before.docs))
	}
	ids := make([]string, 0, len(before.docs))
	for id := range before.docs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if !reflect.DeepEqual(before.docs[id], after.docs[id]) {
			t.Errorf("document %s differs after rebuild:\nbefore %v\nafter  %v", id, before.docs[id], after.docs[id])
		}
	}
	if !reflect.DeepEqual(before.facets, after.facets) {
		t.Errorf("facets differ after rebuild:\nbefore %v\nafter  %v", before.facets, after.facets)
	}
}
