package bus_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
)

func TestFollow(t *testing.T) {
	t.Parallel()
	s := bustest.Server(t)
	b := bustest.Bus(t, s, testTopology())
	ctx, cancel := context.WithCancel(t.Context())
	kv, err := b.JS.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "follow_test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.PutString(ctx, "before", "1"); err != nil {
		t.Fatal(err)
	}
	w, err := kv.WatchAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]string{}
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- bus.Follow(ctx, w, ready, func(e jetstream.KeyValueEntry) {
			mu.Lock()
			defer mu.Unlock()
			seen[e.Key()] = string(e.Value())
		})
	}()
	select {
	case <-ready:
	case <-time.After(time.Minute):
		t.Fatal("ready not closed after the bucket's content")
	}
	mu.Lock()
	if seen["before"] != "1" {
		t.Errorf("at ready: %v, want the value put before", seen)
	}
	mu.Unlock()
	if _, err := kv.PutString(ctx, "after", "2"); err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, time.Minute, "the later put applied", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return seen["after"] == "2"
	})
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Follow after cancel: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Follow did not return when its context ended")
	}
}
