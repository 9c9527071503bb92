package subscription

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"vigie/pipeline/webhook"
)

// Delivery is the record of one webhook delivery attempt, as admins and
// the subscriber see it.
type Delivery struct {
	SubscriptionID string    `json:"subscription_id"`
	WebhookID      string    `json:"webhook_id"`
	AlertID        string    `json:"alert_id"`
	MessageID      string    `json:"message_id"`
	Type           string    `json:"type"`
	URL            string    `json:"url"`
	Attempt        int       `json:"attempt"`
	Time           time.Time `json:"time"`
	LatencyMS      float64   `json:"latency_ms"`
	Status         int       `json:"status"`
	Error          string    `json:"error,omitempty"`
	Outcome        string    `json:"outcome"`
	Next           time.Time `json:"next,omitzero"`
}

// DeliveryFromAttempt makes the record of a webhook attempt.
func DeliveryFromAttempt(subID, webhookID, alertID string, a webhook.Attempt) Delivery {
	return Delivery{SubscriptionID: subID, WebhookID: webhookID, AlertID: alertID, MessageID: a.MessageID, Type: a.Type,
		URL: a.URL, Attempt: a.Number, Time: a.Time.UTC(), LatencyMS: float64(a.Latency.Microseconds()) / 1000,
		Status: a.Status, Error: a.Err, Outcome: a.Outcome.String(), Next: a.Next.UTC()}
}

// Notice tells admins and the subscriber that an endpoint was disabled.
type Notice struct {
	SubscriptionID string    `json:"subscription_id"`
	WebhookID      string    `json:"webhook_id"`
	URL            string    `json:"url"`
	Time           time.Time `json:"time"`
	Reason         string    `json:"reason"`
}

// DeliveryLog keeps delivery attempts under
// "<subscription>.<webhook>.<message id>.<attempt>" and notices under
// "notice.<subscription>.<webhook>.<unix nanoseconds>".
type DeliveryLog struct {
	kv jetstream.KeyValue
}

// NewDeliveryLog returns a DeliveryLog over kv.
func NewDeliveryLog(kv jetstream.KeyValue) *DeliveryLog { return &DeliveryLog{kv: kv} }

func attemptKey(d Delivery) string {
	return d.SubscriptionID + "." + d.WebhookID + "." + d.MessageID + "." + strconv.Itoa(d.Attempt)
}

// Record stores one attempt; recording the same attempt twice keeps one.
func (l *DeliveryLog) Record(ctx context.Context, d Delivery) error {
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("record delivery %s: %w", d.MessageID, err)
	}
	if _, err := l.kv.Put(ctx, attemptKey(d), b); err != nil {
		return fmt.Errorf("record delivery %s: %w", d.MessageID, err)
	}
	return nil
}

// Delivered reports whether a delivered attempt of message id to the
// webhook is recorded.
func (l *DeliveryLog) Delivered(ctx context.Context, subID, webhookID, messageID string) (bool, error) {
	ds, err := l.list(ctx, subID+"."+webhookID+"."+messageID+".*")
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(ds, func(d Delivery) bool { return d.Outcome == webhook.OutcomeDelivered.String() }), nil
}

// List returns the attempts of a subscription, newest first.
func (l *DeliveryLog) List(ctx context.Context, subID string) ([]Delivery, error) {
	return l.list(ctx, subID+".>")
}

func (l *DeliveryLog) list(ctx context.Context, filter string) ([]Delivery, error) {
	var out []Delivery
	err := l.each(ctx, filter, func(b []byte) error {
		var d Delivery
		if err := json.Unmarshal(b, &d); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list deliveries %s: %w", filter, err)
	}
	slices.SortFunc(out, func(a, b Delivery) int {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		return b.Attempt - a.Attempt
	})
	return out, nil
}

func (l *DeliveryLog) each(ctx context.Context, filter string, fn func([]byte) error) error {
	lister, err := l.kv.ListKeysFiltered(ctx, filter)
	if err != nil {
		if errors.Is(err, jetstream.ErrNoKeysFound) {
			return nil
		}
		return err
	}
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	for _, k := range keys {
		e, err := l.kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := fn(e.Value()); err != nil {
			return fmt.Errorf("decode %s: %w", k, err)
		}
	}
	return nil
}

// Notify stores a notice.
func (l *DeliveryLog) Notify(ctx context.Context, n Notice) error {
	b, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("record notice: %w", err)
	}
	key := "notice." + n.SubscriptionID + "." + n.WebhookID + "." + strconv.FormatInt(n.Time.UnixNano(), 10)
	if _, err := l.kv.Put(ctx, key, b); err != nil {
		return fmt.Errorf("record notice for %s: %w", n.SubscriptionID, err)
	}
	return nil
}

// Notices returns the notices of a subscription (every subscription when
// subID is empty), newest first.
func (l *DeliveryLog) Notices(ctx context.Context, subID string) ([]Notice, error) {
	filter := "notice.>"
	if subID != "" {
		filter = "notice." + subID + ".>"
	}
	var out []Notice
	err := l.each(ctx, filter, func(b []byte) error {
		var n Notice
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		out = append(out, n)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list notices: %w", err)
	}
	slices.SortFunc(out, func(a, b Notice) int { return b.Time.Compare(a.Time) })
	return out, nil
}
