package account

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
)

func TestOpenBuckets(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	srv := bustest.Server(t)
	b, err := bus.Connect(ctx, bus.ConnectConfig{URLs: []string{srv.ClientURL()}}, bus.DefaultTopology(), zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	// One bucket declared beforehand by someone else, with its own settings.
	if _, err := b.JS.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: bus.BucketUsers, Description: "theirs", History: 2}); err != nil {
		t.Fatal(err)
	}
	for round := range 2 { // opening twice is harmless
		if _, err := Open(ctx, b.JS, Config{PasswordParams: cheapParams}, zaptest.NewLogger(t)); err != nil {
			t.Fatalf("open %d: %v", round, err)
		}
	}
	tests := []struct {
		bucket      string
		wantDesc    string
		wantHistory int64
		wantTTL     time.Duration
	}{
		{bus.BucketUsers, "theirs", 2, 0},
		{bus.BucketSessions, bus.DefaultTopology().AccountBuckets()[1].Description, 1, MaxSessionLifetime},
		{bus.BucketTokens, bus.DefaultTopology().AccountBuckets()[2].Description, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.bucket, func(t *testing.T) {
			kv, err := b.JS.KeyValue(ctx, tt.bucket)
			if err != nil {
				t.Fatal(err)
			}
			st, err := kv.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			info := st.(*jetstream.KeyValueBucketStatus).StreamInfo()
			if info.Config.Description != tt.wantDesc || st.History() != tt.wantHistory || st.TTL() != tt.wantTTL {
				t.Fatalf("description %q history %d ttl %v", info.Config.Description, st.History(), st.TTL())
			}
		})
	}
}

func TestPurgeExpiredSessions(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := newStore(t, clock, Config{SessionIdle: time.Hour, SessionAbsolute: 2 * time.Hour})
	ctx := context.Background()
	mustCreate(t, s, "ana", claims.RoleEditor)
	idle, _, _ := s.CreateSession(ctx, "ana", false, "", "")
	clock.Advance(30 * time.Minute)
	live, _, _ := s.CreateSession(ctx, "ana", false, "", "")
	clock.Advance(45 * time.Minute) // idle: 75 min unused; live: 45 min
	n, err := s.PurgeExpiredSessions(ctx)
	if err != nil || n != 1 {
		t.Fatalf("purged %d, %v; want 1", n, err)
	}
	if _, _, err := s.Session(ctx, live); err != nil {
		t.Fatalf("live session purged: %v", err)
	}
	list, _ := s.Sessions(ctx, "ana")
	if len(list) != 1 || list[0].ID != hashSecret(live) || list[0].ID == hashSecret(idle) {
		t.Fatalf("sessions left %+v", list)
	}
}
