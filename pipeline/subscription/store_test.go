package subscription

import (
	"context"
	"errors"
	"testing"
	"time"

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/webhook"
)

func newStore(t *testing.T) (*Store, *DeliveryLog) {
	t.Helper()
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	ctx := context.Background()
	alerting := b.Topology().Alerting(24*time.Hour, 10*time.Second, 0)
	kv, err := b.JS.CreateOrUpdateKeyValue(ctx, alerting.Buckets[0])
	if err != nil {
		t.Fatal(err)
	}
	dkv, err := b.JS.CreateOrUpdateKeyValue(ctx, alerting.Buckets[1])
	if err != nil {
		t.Fatal(err)
	}
	// Applying twice is idempotent.
	if _, err := b.JS.CreateOrUpdateKeyValue(ctx, alerting.Buckets[0]); err != nil {
		t.Fatal(err)
	}
	return NewStore(kv, nil), NewDeliveryLog(dkv)
}

func TestStoreRevisions(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	ctx := context.Background()
	created, err := st.Create(ctx, valid())
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.Revision == 0 || created.Created.IsZero() {
		t.Fatalf("created %+v lacks id, revision or date", created)
	}
	if _, err := st.Create(ctx, created); !errors.Is(err, ErrExists) {
		t.Errorf("second create: %v, want ErrExists", err)
	}
	a, b := created, created
	a.Name = "First editor"
	if _, err := st.Update(ctx, a); err != nil {
		t.Fatal(err)
	}
	b.Name = "Second editor, stale"
	if _, err := st.Update(ctx, b); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale update: %v, want ErrConflict", err)
	}
	got, err := st.Get(ctx, created.ID)
	if err != nil || got.Name != "First editor" {
		t.Fatalf("get: %+v %v", got, err)
	}
	if _, err := st.Update(ctx, Subscription{ID: got.ID, Revision: got.Revision}); !errors.Is(err, ErrInvalid) {
		t.Errorf("invalid update: %v, want ErrInvalid", err)
	}
	mod, err := st.Modify(ctx, created.ID, func(s *Subscription) error { s.MinSeverity = 4; return nil })
	if err != nil || mod.MinSeverity != 4 {
		t.Fatalf("modify: %+v %v", mod, err)
	}
	list, err := st.List(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v %v", list, err)
	}
	if err := st.Delete(ctx, created.ID, created.Revision); !errors.Is(err, ErrConflict) {
		t.Errorf("stale delete: %v, want ErrConflict", err)
	}
	if err := st.Delete(ctx, created.ID, mod.Revision); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(ctx, created.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("get after delete: %v, want ErrNotFound", err)
	}
	if _, err := st.Get(ctx, "../etc"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get with a bad id: %v, want ErrNotFound", err)
	}
}

func TestDeliveryLog(t *testing.T) {
	t.Parallel()
	_, log := newStore(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for n := 1; n <= 3; n++ {
		a := webhook.Attempt{MessageID: "alrt_x", Type: webhook.TypeAlertRaised, URL: "https://h.example/", Number: n,
			Time: t0.Add(time.Duration(n) * time.Minute), Latency: 12 * time.Millisecond, Status: 500, Err: "receiver answered 500",
			Outcome: webhook.OutcomeRetry}
		if n == 3 {
			a.Status, a.Err, a.Outcome = 200, "", webhook.OutcomeDelivered
		}
		if err := log.Record(ctx, DeliveryFromAttempt("sub_a", "wha", "alrt_x", a)); err != nil {
			t.Fatal(err)
		}
	}
	if err := log.Record(ctx, DeliveryFromAttempt("sub_b", "whb", "alrt_y", webhook.Attempt{MessageID: "alrt_y", Number: 1, Time: t0})); err != nil {
		t.Fatal(err)
	}
	ds, err := log.List(ctx, "sub_a")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 3 || ds[0].Attempt != 3 || ds[0].Outcome != "delivered" || ds[2].Status != 500 || ds[0].LatencyMS != 12 {
		t.Errorf("deliveries %+v, want 3 of sub_a newest first", ds)
	}
	if ok, err := log.Delivered(ctx, "sub_a", "wha", "alrt_x"); err != nil || !ok {
		t.Errorf("Delivered = %v, %v; want true", ok, err)
	}
	if ok, err := log.Delivered(ctx, "sub_b", "whb", "alrt_y"); err != nil || ok {
		t.Errorf("Delivered for a failed attempt = %v, %v; want false", ok, err)
	}
	if err := log.Notify(ctx, Notice{SubscriptionID: "sub_a", WebhookID: "wha", Time: t0, Reason: "gone"}); err != nil {
		t.Fatal(err)
	}
	if ns, err := log.Notices(ctx, ""); err != nil || len(ns) != 1 || ns[0].Reason != "gone" {
		t.Errorf("notices %+v %v", ns, err)
	}
	if ds, _ := log.List(ctx, "sub_a"); len(ds) != 3 {
		t.Errorf("a notice appears among deliveries: %d", len(ds))
	}
}
