package bus_test

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
)

func testTopology() bus.Topology {
	top := bus.DefaultTopology()
	top.MaxDeliver = 3
	top.AckWait = 5 * time.Second
	return top
}

func TestApplyIsIdempotent(t *testing.T) {
	t.Parallel()
	s := bustest.Server(t)
	b := bustest.Bus(t, s, testTopology())
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := b.Apply(ctx); err != nil {
			t.Fatalf("apply #%d: %v", i+2, err)
		}
	}
	if err := b.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	for _, sc := range testTopology().Streams() {
		st, err := b.JS.Stream(ctx, sc.Name)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := st.Info(ctx)
		if info.Config.Retention != jetstream.LimitsPolicy || info.Config.MaxAge != 0 {
			t.Errorf("stream %s: retention %v max age %v, want limits and none", sc.Name, info.Config.Retention, info.Config.MaxAge)
		}
	}
}

func TestPublishDeduplicates(t *testing.T) {
	t.Parallel()
	s := bustest.Server(t)
	b := bustest.Bus(t, s, testTopology())
	ctx := context.Background()
	dup1, err := b.Publish(ctx, bus.ItemSubject("feed", "src"), []byte("x"), "id-1", nil)
	if err != nil || dup1 {
		t.Fatalf("first publish: dup=%v err=%v", dup1, err)
	}
	dup2, err := b.Publish(ctx, bus.ItemSubject("feed", "src"), []byte("x"), "id-1", nil)
	if err != nil || !dup2 {
		t.Fatalf("second publish: dup=%v err=%v, want a duplicate", dup2, err)
	}
	st, _ := b.JS.Stream(ctx, bus.StreamItems)
	info, _ := st.Info(ctx)
	if info.State.Msgs != 1 {
		t.Fatalf("ITEMS has %d messages, want 1", info.State.Msgs)
	}
}

func TestToken(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"jn-porto": "jn-porto", "Le.Monde>*": "le_monde", "": "none", "pt_BR": "pt_br"} {
		if got := bus.Token(in); got != want || !bus.TokenPattern.MatchString(got) {
			t.Errorf("Token(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWorkerAckPolicy covers the three outcomes: ack, retry then dead-letter
// after the delivery limit, and immediate dead-letter of a permanent failure.
func TestWorkerAckPolicy(t *testing.T) {
	t.Parallel()
	s := bustest.Server(t)
	top := testTopology()
	b := bustest.Bus(t, s, top)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	deliveries := map[string]*atomic.Int32{"ok": {}, "flaky": {}, "poison": {}}
	for _, id := range []string{"ok", "flaky", "poison"} {
		if _, err := b.Publish(ctx, bus.ItemSubject("feed", id), []byte(id), id, nil); err != nil {
			t.Fatal(err)
		}
	}
	cons, err := b.Consumer(ctx, bus.StreamItems, bus.ConsumerMatcher)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = b.Work(ctx, cons, bus.WorkerConfig{Stage: "matcher", Batch: 10, MaxWait: 100 * time.Millisecond, BaseBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond},
			func(_ context.Context, msgs []jetstream.Msg) []error {
				errs := make([]error, len(msgs))
				for i, m := range msgs {
					id := string(m.Data())
					deliveries[id].Add(1)
					switch id {
					case "flaky":
						errs[i] = errors.New("backend down")
					case "poison":
						errs[i] = bus.Permanent(errors.New("undecodable"))
					}
				}
				return errs
			})
	}()
	dlq := func() []jetstream.RawStreamMsg {
		ctx := context.Background()
		st, err := b.JS.Stream(ctx, bus.StreamDLQ)
		if err != nil {
			t.Fatal(err)
		}
		var out []jetstream.RawStreamMsg
		info, _ := st.Info(ctx)
		for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
			m, err := st.GetMsg(ctx, seq)
			if err == nil {
				out = append(out, *m)
			}
		}
		return out
	}
	bustest.Eventually(t, 10*time.Second, "two dead letters", func() bool { return len(dlq()) == 2 })
	cancel()
	<-done

	got := map[string]string{}
	for _, m := range dlq() {
		if m.Subject != bus.DLQSubject("matcher") {
			t.Errorf("dead letter on %s, want %s", m.Subject, bus.DLQSubject("matcher"))
		}
		got[string(m.Data)] = m.Header.Get(bus.HeaderDLQDeliveries)
	}
	if got["flaky"] != strconv.Itoa(top.MaxDeliver) {
		t.Errorf("flaky dead-lettered after %q deliveries, want %d", got["flaky"], top.MaxDeliver)
	}
	if got["poison"] != "1" {
		t.Errorf("poison dead-lettered after %q deliveries, want 1", got["poison"])
	}
	if _, ok := got["ok"]; ok {
		t.Error("the good message was dead-lettered")
	}
	if n := deliveries["ok"].Load(); n != 1 {
		t.Errorf("good message delivered %d times, want 1", n)
	}
	if n := deliveries["flaky"].Load(); n != int32(top.MaxDeliver) {
		t.Errorf("flaky message delivered %d times, want %d", n, top.MaxDeliver)
	}
}
