package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
	"vigie/services/vigie/ops"
)

// TestDeadLetterRedrive: the CLAIMS stream disappears (an operator error),
// so the matcher cannot publish: after the delivery limit the item is on
// vigie.dlq.matcher, the pipeline keeps running; once the stream is back
// (the fix), `vigie dlq redrive` brings the item through to the index.
func TestDeadLetterRedrive(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	cfg := apptest.Config(t, data)
	cfg.NATS.MaxDeliver = 3
	ctx := context.Background()
	a := apptest.Start(t, cfg, app.Options{})
	if err := a.Bus().JS.DeleteStream(ctx, bus.StreamClaims); err != nil {
		t.Fatal(err)
	}
	item, _ := codec.EncodeItem(claims.Item{ID: "redrive-me", SourceID: "tips", Language: "en", Kind: claims.SourceTipline,
		Text: "The mayor said 30% of the town's water pipes leak, the worst rate in the region since 2010."})
	if _, err := a.Bus().Publish(ctx, bus.ItemSubject("tipline", "tips"), item, "redrive-me", nil); err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 20*time.Second, "the item dead-lettered", func() bool { return apptest.StreamMsgs(t, a.Bus().JS, bus.StreamDLQ) == 1 })

	out, err := vigie(t, "dlq", "list", "--data", data, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var listed struct {
		DeadLetters []ops.DeadLetter `json:"dead_letters"`
	}
	if err := json.Unmarshal([]byte(out), &listed); err != nil || len(listed.DeadLetters) != 1 {
		t.Fatalf("dlq list: %v %s", err, out)
	}
	if dl := listed.DeadLetters[0]; dl.Stage != bus.StageMatcher || dl.Subject != bus.ItemSubject("tipline", "tips") || dl.Deliveries != "3" || dl.Error == "" {
		t.Fatalf("dead letter: %+v", dl)
	}

	// The fix: the topology is applied again (as every start does).
	if err := a.Bus().Apply(ctx); err != nil {
		t.Fatal(err)
	}
	if out, err := vigie(t, "dlq", "redrive", "--data", data); err != nil || out != "redrove 1 dead letters\n" {
		t.Fatalf("redrive: %q %v", out, err)
	}
	bustest.Eventually(t, 20*time.Second, "the redriven item indexed", func() bool {
		for _, h := range apptest.Claims(t, a.HTTPAddr(), "q=pipes").Hits {
			if h.ItemID == "redrive-me" {
				return true
			}
		}
		return false
	})
	if n := apptest.StreamMsgs(t, a.Bus().JS, bus.StreamDLQ); n != 0 {
		t.Fatalf("%d dead letters left after redrive", n)
	}
}
