package matcher

import (
	"context"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
)

func msgCount(t *testing.T, b *bus.Bus, stream string) uint64 {
	t.Helper()
	st, err := b.JS.Stream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// TestPoisonItemIsDeadLettered: an undecodable payload on ITEMS ends on
// vigie.dlq.matcher and does not stop the items after it.
func TestPoisonItemIsDeadLettered(t *testing.T) {
	t.Parallel()
	s := bustest.Server(t)
	top := bus.DefaultTopology()
	top.MaxDeliver = 3
	b := bustest.Bus(t, s, top)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	poison := []byte{0xff, 0xff, 0xff, 0x01, 0x02} // not a protobuf Item
	if _, err := b.Publish(ctx, bus.ItemSubject("feed", "hostile"), poison, "poison-1", nil); err != nil {
		t.Fatal(err)
	}
	good, _ := codec.EncodeItem(claims.Item{ID: "good-1", SourceID: "local", Language: "en",
		Text: "The mayor said unemployment in the town rose by 12% in 2024, the highest rate in a decade."})
	if _, err := b.Publish(ctx, bus.ItemSubject("feed", "local"), good, "good-1", nil); err != nil {
		t.Fatal(err)
	}

	m := New(b, claims.NewEngine(claims.NewStore(), claims.DefaultConfig()), Options{}, zaptest.NewLogger(t))
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()

	bustest.Eventually(t, 10*time.Second, "one dead letter and one CLAIMS message", func() bool {
		return msgCount(t, b, bus.StreamDLQ) == 1 && msgCount(t, b, bus.StreamClaims) == 1
	})
	st, _ := b.JS.Stream(context.Background(), bus.StreamDLQ)
	dl, err := st.GetLastMsgForSubject(context.Background(), bus.DLQSubject(bus.StageMatcher))
	if err != nil {
		t.Fatalf("no message on %s: %v", bus.DLQSubject(bus.StageMatcher), err)
	}
	if string(dl.Data) != string(poison) {
		t.Errorf("dead letter carries %x, want the original payload %x", dl.Data, poison)
	}
	if dl.Header.Get(bus.HeaderDLQSubject) != bus.ItemSubject("feed", "hostile") || dl.Header.Get(bus.HeaderDLQError) == "" {
		t.Errorf("dead letter headers: %v", dl.Header)
	}
	cs, _ := b.JS.Stream(context.Background(), bus.StreamClaims)
	cm, err := cs.GetMsg(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	ic, err := codec.DecodeItemClaims(cm.Data)
	if err != nil || ic.ItemID != "good-1" {
		t.Fatalf("CLAIMS message: %v %v", ic, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
