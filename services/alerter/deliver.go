package alerter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/pipeline/bus"
	"vigie/pipeline/subscription"
	"vigie/pipeline/webhook"
)

// task is one pending webhook delivery on the deliveries stream. The
// attempt number is the message's delivery count; each failed attempt naks
// the message with the delay until the next one.
type task struct {
	SubscriptionID string    `json:"subscription_id"`
	WebhookID      string    `json:"webhook_id"`
	Enqueued       time.Time `json:"enqueued"`
	Alert          Record    `json:"alert"`
}

// enqueue queues the delivery of r to one webhook.
func (s *Service) enqueue(ctx context.Context, subID, webhookID string, r Record) error {
	b, err := json.Marshal(task{SubscriptionID: subID, WebhookID: webhookID, Enqueued: s.opts.Now().UTC(), Alert: r})
	if err != nil {
		return fmt.Errorf("queue delivery: %w", err)
	}
	if _, err := s.bus.Publish(ctx, bus.DeliverySubject(subID), b, r.MessageID()+"."+webhookID, nil); err != nil {
		return fmt.Errorf("queue delivery to %s: %w", webhookID, err)
	}
	return nil
}

// runDeliveries attempts queued deliveries until ctx ends; the attempts in
// hand are finished before it returns.
func (s *Service) runDeliveries(ctx context.Context, cons jetstream.Consumer) error {
	for ctx.Err() == nil {
		batch, err := cons.Fetch(8, jetstream.FetchMaxWait(500*time.Millisecond))
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.log.Warn("fetch failed", zap.String("stage", bus.ConsumerDeliveries), zap.Error(err))
			_ = webhook.SystemClock{}.Sleep(ctx, time.Second)
			continue
		}
		var wg sync.WaitGroup
		for m := range batch.Messages() {
			wg.Go(func() { s.attempt(context.WithoutCancel(ctx), m) })
		}
		wg.Wait()
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && ctx.Err() == nil {
			s.log.Debug("fetch ended with error", zap.Error(err))
		}
	}
	return nil
}

// attempt makes one delivery attempt of a queued task and settles it.
func (s *Service) attempt(ctx context.Context, m jetstream.Msg) {
	var t task
	if err := json.Unmarshal(m.Data(), &t); err != nil {
		s.log.Error("undecodable delivery dropped", zap.String("subject", m.Subject()), zap.Error(err))
		_ = m.Term()
		return
	}
	log := s.log.With(zap.String("alert_id", t.Alert.ID), zap.Int("revision", t.Alert.Revision), zap.String("subscription_id", t.SubscriptionID),
		zap.String("webhook_id", t.WebhookID))
	retry := func(err error) {
		log.Warn("delivery attempt not made", zap.Error(err))
		_ = m.NakWithDelay(5 * time.Second)
	}
	sub, err := s.subs.Get(ctx, t.SubscriptionID)
	if errors.Is(err, subscription.ErrNotFound) {
		_ = m.Ack()
		return
	} else if err != nil {
		retry(err)
		return
	}
	w, _, ok := sub.Webhook(t.WebhookID)
	if !ok || !w.Active() {
		log.Info("delivery dropped: webhook removed or disabled")
		_ = m.Ack()
		return
	}
	// De-duplicate by alert id and revision before delivering.
	if done, err := s.dlog.Delivered(ctx, t.SubscriptionID, t.WebhookID, t.Alert.MessageID()); err != nil {
		retry(err)
		return
	} else if done {
		_ = m.Ack()
		return
	}
	msg, err := t.Alert.Message()
	if err != nil {
		log.Error("delivery dropped: message cannot be built", zap.Error(err))
		_ = m.Term()
		return
	}
	signer, err := webhook.NewSigner(w.Secrets...)
	if err != nil {
		log.Error("delivery dropped: invalid secret", zap.Error(err))
		_ = m.Term()
		return
	}
	n := 1
	if md, err := m.Metadata(); err == nil {
		n = int(md.NumDelivered)
	}
	a := s.deliver.Attempt(ctx, webhook.Endpoint{URL: w.URL, Signer: signer}, msg, n, t.Enqueued)
	s.opts.Metrics.AlertDelivery("webhook", a.Outcome.String())
	if err := s.dlog.Record(ctx, subscription.DeliveryFromAttempt(t.SubscriptionID, t.WebhookID, t.Alert.ID, a)); err != nil {
		log.Warn("delivery attempt not recorded", zap.Error(err))
	}
	s.observe(ctx, log, t, a)
	switch a.Outcome {
	case webhook.OutcomeRetry:
		_ = m.NakWithDelay(max(a.Next.Sub(s.opts.Now()), 0))
	case webhook.OutcomeExpired:
		log.Warn("webhook delivery expired", zap.Int("attempts", a.Number))
		_ = m.Ack()
	default:
		_ = m.Ack()
	}
}

// observe updates the webhook's health with an attempt and, when the
// endpoint gets disabled, tells admins (log and notice record).
func (s *Service) observe(ctx context.Context, log *zap.Logger, t task, a webhook.Attempt) {
	var disabled *subscription.Webhook
	_, err := s.subs.Modify(ctx, t.SubscriptionID, func(sub *subscription.Subscription) error {
		disabled = nil
		_, i, ok := sub.Webhook(t.WebhookID)
		if !ok {
			return nil
		}
		w := &sub.Webhooks[i]
		was := w.Health.Disabled
		w.Health = w.Health.Observe(a, s.opts.Disable)
		if w.Health.Disabled && !was {
			cp := *w
			disabled = &cp
		}
		return nil
	})
	if err != nil {
		log.Warn("webhook health not updated", zap.Error(err))
		return
	}
	if disabled == nil {
		return
	}
	log.Error("webhook endpoint disabled", zap.String("url", disabled.URL), zap.String("reason", disabled.Health.DisabledReason))
	n := subscription.Notice{SubscriptionID: t.SubscriptionID, WebhookID: t.WebhookID, URL: disabled.URL,
		Time: disabled.Health.DisabledAt.UTC(), Reason: disabled.Health.DisabledReason}
	if err := s.dlog.Notify(ctx, n); err != nil {
		log.Warn("notice not recorded", zap.Error(err))
	}
}
