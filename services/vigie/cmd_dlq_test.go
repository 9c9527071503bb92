package main

import (
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
	"google.golang.org/protobuf/proto"

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	vigiev1 "vigie/proto/gen/vigie/v1"
)

// TestDeadLetterRedrive: the CLAIMS stream disappears (an operator error),
// so the matcher cannot publish: after the delivery limit the item is on
// vigie.dlq.matcher, the pipeline keeps running; once the stream is back
// (the fix), `vigie dlq redrive` brings the item through to the index.
func TestDeadLetterRedrive(t *testing.T) {
	data := t.TempDir()
	cfg := testConfig(t, data)
	cfg.NATS.MaxDeliver = 3
	ctx := context.Background()
	a, err := startApp(ctx, cfg, false, io.Discard, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.shutdown(10 * time.Second)
	if err := a.bus.JS.DeleteStream(ctx, bus.StreamClaims); err != nil {
		t.Fatal(err)
	}
	item, _ := proto.Marshal(&vigiev1.Item{Id: "redrive-me", SourceId: "tips", Language: "en", Kind: vigiev1.SourceKind_SOURCE_KIND_TIPLINE,
		Text: "The mayor said 30% of the town's water pipes leak, the worst rate in the region since 2010."})
	if _, err := a.bus.Publish(ctx, bus.ItemSubject("tipline", "tips"), item, "redrive-me", nil); err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 20*time.Second, "the item dead-lettered", func() bool { return streamMsgs(t, a.bus.JS, bus.StreamDLQ) == 1 })

	out, err := vigie(t, "dlq", "list", "--data", data, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var listed struct {
		DeadLetters []dlqEntry `json:"dead_letters"`
	}
	if err := json.Unmarshal([]byte(out), &listed); err != nil || len(listed.DeadLetters) != 1 {
		t.Fatalf("dlq list: %v %s", err, out)
	}
	if dl := listed.DeadLetters[0]; dl.Stage != bus.StageMatcher || dl.Subject != bus.ItemSubject("tipline", "tips") || dl.Deliveries != "3" || dl.Error == "" {
		t.Fatalf("dead letter: %+v", dl)
	}

	// The fix: the topology is applied again (as every start does).
	if err := a.bus.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	if out, err := vigie(t, "dlq", "redrive", "--data", data); err != nil || out != "redrove 1 dead letters\n" {
		t.Fatalf("redrive: %q %v", out, err)
	}
	bustest.Eventually(t, 20*time.Second, "the redriven item indexed", func() bool {
		for _, h := range getClaims(t, a.httpAddr, "q=pipes").Hits {
			if h.ItemID == "redrive-me" {
				return true
			}
		}
		return false
	})
	if n := streamMsgs(t, a.bus.JS, bus.StreamDLQ); n != 0 {
		t.Fatalf("%d dead letters left after redrive", n)
	}
}
