package bench

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
)

// fillItems brings a stopped data folder to target items as if the
// pipeline had processed them, for the restart figure: ITEMS and CLAIMS
// get one message per new item (LABELLED COPIES of the items and claims
// already there, with new ids "fill-N"), vigie_seen gets their ids, and the
// matcher's and the indexer's consumers acknowledge every message. The
// search index is left as it is (it already holds the search corpus). It
// returns how many items it added.
func fillItems(ctx context.Context, data string, target int, log *zap.Logger) (int, error) {
	emb, err := bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: filepath.Join(data, "nats")}, log)
	if err != nil {
		return 0, err
	}
	defer emb.Shutdown()
	ep := emb.Endpoint()
	nc, err := nats.Connect(ep.URL, nats.UserInfo(ep.User, ep.Password), nats.Name("vigie-bench-fill"))
	if err != nil {
		return 0, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(4096))
	if err != nil {
		return 0, err
	}
	have, err := streamMsgCount(ctx, js, bus.StreamItems)
	if err != nil {
		return 0, err
	}
	add := target - int(have)
	if add <= 0 {
		return 0, nil
	}
	itemMsgs, err := sampleMsgs(ctx, js, bus.StreamItems, 200)
	if err != nil {
		return 0, err
	}
	claimMsgs, err := sampleMsgs(ctx, js, bus.StreamClaims, 200)
	if err != nil {
		return 0, err
	}
	if _, err := js.KeyValue(ctx, bus.BucketSeen); err != nil {
		return 0, err
	}
	// Decoded once; each copy only changes the id before it is encoded.
	items := make([]claims.Item, len(itemMsgs))
	for i, m := range itemMsgs {
		if items[i], err = codec.DecodeItem(m.Data); err != nil {
			return 0, err
		}
	}
	claimSets := make([]claims.ItemClaims, len(claimMsgs))
	for i, m := range claimMsgs {
		if claimSets[i], err = codec.DecodeItemClaims(m.Data); err != nil {
			return 0, err
		}
	}
	for i := range add {
		id := fmt.Sprintf("fill-%d", i)
		it := items[i%len(items)]
		it.ID = id
		b, _ := codec.EncodeItem(it)
		if _, err := js.PublishMsgAsync(&nats.Msg{Subject: itemMsgs[i%len(items)].Subject, Data: b, Header: nats.Header{"Nats-Msg-Id": []string{id}}}); err != nil {
			return 0, err
		}
		ic := claimSets[i%len(claimSets)]
		ic.ItemID = id
		b, _ = codec.EncodeItemClaims(ic)
		if _, err := js.PublishMsgAsync(&nats.Msg{Subject: claimMsgs[i%len(claimSets)].Subject, Data: b, Header: nats.Header{"Nats-Msg-Id": []string{id}}}); err != nil {
			return 0, err
		}
		// The seen bucket's subject, written without waiting like the rest.
		if _, err := js.PublishAsync("$KV."+bus.BucketSeen+"."+id, []byte(it.SourceID)); err != nil {
			return 0, err
		}
		if i%100_000 == 0 && i > 0 {
			log.Info("bench fill", zap.Int("items", i))
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(5 * time.Minute):
		return 0, errors.New("bench fill: publishes not acknowledged after 5 minutes")
	}
	for _, c := range []struct{ stream, durable string }{{bus.StreamItems, bus.ConsumerMatcher}, {bus.StreamClaims, bus.ConsumerIndexer}} {
		if err := ackAll(ctx, nc, js, c.stream, c.durable); err != nil {
			return 0, err
		}
	}
	return add, nil
}

// sampleMsgs returns up to n messages from the start of a stream.
func sampleMsgs(ctx context.Context, js jetstream.JetStream, stream string, n int) ([]*jetstream.RawStreamMsg, error) {
	st, err := js.Stream(ctx, stream)
	if err != nil {
		return nil, err
	}
	info, err := st.Info(ctx)
	if err != nil {
		return nil, err
	}
	var out []*jetstream.RawStreamMsg
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && len(out) < n; seq++ {
		if m, err := st.GetMsg(ctx, seq); err == nil {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("bench fill: stream %s is empty: nothing to copy", stream)
	}
	return out, nil
}

// ackAll acknowledges every pending message of a durable consumer.
func ackAll(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, stream, durable string) error {
	cons, err := js.Consumer(ctx, stream, durable)
	if err != nil {
		return err
	}
	for {
		batch, err := cons.FetchNoWait(4000)
		if err != nil {
			return err
		}
		n := 0
		for m := range batch.Messages() {
			if err := m.Ack(); err != nil {
				return err
			}
			n++
		}
		if n > 0 {
			continue
		}
		if err := nc.Flush(); err != nil {
			return err
		}
		info, err := cons.Info(ctx)
		if err != nil {
			return err
		}
		if info.NumPending == 0 && info.NumAckPending == 0 {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
}
