package bus

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/pipeline/retry"
)

// Dead-letter headers, set on every message published to vigie.dlq.<stage>.
const (
	HeaderDLQStage      = "Vigie-Dlq-Stage"
	HeaderDLQSubject    = "Vigie-Dlq-Subject"
	HeaderDLQStream     = "Vigie-Dlq-Stream"
	HeaderDLQSeq        = "Vigie-Dlq-Seq"
	HeaderDLQError      = "Vigie-Dlq-Error"
	HeaderDLQDeliveries = "Vigie-Dlq-Deliveries"
)

// permanentError marks a failure that retrying cannot fix.
type permanentError struct{ err error }

func (p permanentError) Error() string { return p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

// Permanent marks err as a poison-message failure: the runner terms the
// message and dead-letters it at once instead of retrying.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err: err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// Handler processes a batch and returns one result per message, in order:
// nil acks it, an error retries it or, when permanent or past the delivery
// limit, dead-letters it.
type Handler func(ctx context.Context, msgs []jetstream.Msg) []error

// WorkerConfig tunes a worker.
type WorkerConfig struct {
	// Stage names the worker in dead-letter subjects and logs.
	Stage string
	// Batch is the most messages fetched at once (default 1).
	Batch int
	// MaxWait bounds a fetch; it is also the shutdown latency (default 500ms).
	MaxWait time.Duration
	// MaxDeliver is the delivery limit before dead-lettering (default the topology's).
	MaxDeliver int
	// BaseBackoff and MaxBackoff bound NakWithDelay (defaults 200ms, 30s).
	BaseBackoff, MaxBackoff time.Duration
}

// backoff is the delay before delivery number n+1 after n failed
// deliveries: exponential from BaseBackoff, capped at MaxBackoff, shortened
// by up to 20% at random.
func (cfg WorkerConfig) backoff() retry.Backoff {
	return retry.Backoff{Base: cfg.BaseBackoff, Max: cfg.MaxBackoff, Jitter: retry.Jitter{Down: 0.2}}
}

// Work runs h over cons until ctx ends; the batch in hand when ctx ends is
// finished and acknowledged before Work returns (graceful drain).
func (b *Bus) Work(ctx context.Context, cons jetstream.Consumer, cfg WorkerConfig, h Handler) error {
	if cfg.Batch < 1 {
		cfg.Batch = 1
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 500 * time.Millisecond
	}
	if cfg.MaxDeliver < 1 {
		cfg.MaxDeliver = b.top.MaxDeliver
	}
	if cfg.BaseBackoff <= 0 {
		cfg.BaseBackoff = 200 * time.Millisecond
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	log := b.log.With(zap.String("stage", cfg.Stage))
	for ctx.Err() == nil {
		batch, err := cons.Fetch(cfg.Batch, jetstream.FetchMaxWait(cfg.MaxWait))
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			log.Warn("fetch failed", zap.Error(err))
			sleep(ctx, cfg.BaseBackoff)
			continue
		}
		var msgs []jetstream.Msg
		for m := range batch.Messages() {
			msgs = append(msgs, m)
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && ctx.Err() == nil && len(msgs) == 0 {
			log.Debug("fetch ended with error", zap.Error(err))
		}
		if len(msgs) == 0 {
			continue
		}
		// The batch in hand is finished even when shutdown has begun.
		results := h(context.WithoutCancel(ctx), msgs)
		for i, m := range msgs {
			var res error
			if i < len(results) {
				res = results[i]
			} else {
				res = errors.New("handler returned no result")
			}
			b.settle(ctx, log, cfg, m, res)
		}
	}
	return nil
}

func (b *Bus) settle(ctx context.Context, log *zap.Logger, cfg WorkerConfig, m jetstream.Msg, res error) {
	md, mdErr := m.Metadata()
	if res == nil {
		if err := m.Ack(); err != nil {
			log.Warn("ack failed", zap.String("subject", m.Subject()), zap.Error(err))
		}
		return
	}
	var delivered uint64 = 1
	var seq uint64
	if mdErr == nil {
		delivered = md.NumDelivered
		seq = md.Sequence.Stream
	}
	if IsPermanent(res) || delivered >= uint64(cfg.MaxDeliver) {
		if err := b.deadLetter(context.WithoutCancel(ctx), cfg.Stage, m, md, res); err != nil {
			// Not settled: it will be redelivered and dead-lettered again.
			log.Error("dead-letter publish failed", zap.String("subject", m.Subject()), zap.Uint64("seq", seq), zap.Error(err))
			_ = m.NakWithDelay(cfg.MaxBackoff)
			return
		}
		log.Warn("message dead-lettered", zap.String("subject", m.Subject()), zap.Uint64("seq", seq),
			zap.Uint64("deliveries", delivered), zap.Error(res))
		_ = m.Term()
		return
	}
	delay := cfg.backoff().Delay(int(min(delivered, math.MaxInt32)))
	log.Info("message retried", zap.String("subject", m.Subject()), zap.Uint64("seq", seq),
		zap.Uint64("deliveries", delivered), zap.Duration("delay", delay), zap.Error(res))
	_ = m.NakWithDelay(delay)
}

func (b *Bus) deadLetter(ctx context.Context, stage string, m jetstream.Msg, md *jetstream.MsgMetadata, cause error) error {
	h := map[string]string{
		HeaderDLQStage:   stage,
		HeaderDLQSubject: m.Subject(),
		HeaderDLQError:   cause.Error(),
	}
	id := stage + "-" + m.Subject()
	if md != nil {
		h[HeaderDLQStream] = md.Stream
		h[HeaderDLQSeq] = strconv.FormatUint(md.Sequence.Stream, 10)
		h[HeaderDLQDeliveries] = strconv.FormatUint(md.NumDelivered, 10)
		id = fmt.Sprintf("%s-%s-%d", stage, md.Stream, md.Sequence.Stream)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := b.Publish(ctx, DLQSubject(stage), m.Data(), id, h)
	return err
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
