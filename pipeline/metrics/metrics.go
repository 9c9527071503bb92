package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds every series Vigie exports.
type Metrics struct {
	reg *prometheus.Registry

	ItemsIngested   *prometheus.CounterVec   // by source
	FetchErrors     *prometheus.CounterVec   // by source, kind
	StageLatency    *prometheus.HistogramVec // by stage: seconds from item fetch to the end of the stage
	IndexBatch      prometheus.Histogram     // seconds per index batch write
	AlertDeliveries *prometheus.CounterVec   // by channel, outcome
	Localities      *prometheus.CounterVec   // by basis, ambiguous
	ConsumerPending *prometheus.GaugeVec     // by stream, consumer
	ConsumerRedeliv *prometheus.GaugeVec     // by stream, consumer
	ConsumerAckPend *prometheus.GaugeVec     // by stream, consumer
	DeadLetterDepth prometheus.Gauge
	StreamMessages  *prometheus.GaugeVec // by stream
}

// New registers every series on a fresh registry with Go and process collectors.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f := func(c prometheus.Collector) { reg.MustRegister(c) }
	m := &Metrics{
		reg: reg,
		ItemsIngested: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigie_items_ingested_total", Help: "Items published on ITEMS, by source."}, []string{"source"}),
		FetchErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigie_fetch_errors_total", Help: "Failed fetches, by source and kind of error."}, []string{"source", "kind"}),
		StageLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "vigie_stage_latency_seconds", Help: "Time from an item's fetch to the end of a stage.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14)}, []string{"stage"}),
		IndexBatch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "vigie_index_batch_seconds", Help: "Duration of one index batch write.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)}),
		AlertDeliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigie_alert_deliveries_total", Help: "Alert delivery attempts, by channel and outcome."}, []string{"channel", "outcome"}),
		Localities: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigie_item_localities_total", Help: "Items given their localities, by basis (named, source, elsewhere, none) and whether names were too ambiguous to settle."},
			[]string{"basis", "ambiguous"}),
		ConsumerPending: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "vigie_consumer_pending_messages", Help: "Messages not yet delivered to a durable consumer."}, []string{"stream", "consumer"}),
		ConsumerRedeliv: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "vigie_consumer_redelivered_messages", Help: "Messages currently redelivered at least once."}, []string{"stream", "consumer"}),
		ConsumerAckPend: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "vigie_consumer_ack_pending_messages", Help: "Messages delivered and not yet acknowledged."}, []string{"stream", "consumer"}),
		DeadLetterDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "vigie_dead_letter_messages", Help: "Messages on the dead-letter stream."}),
		StreamMessages: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "vigie_stream_messages", Help: "Messages held by a stream."}, []string{"stream"}),
	}
	f(m.ItemsIngested)
	f(m.FetchErrors)
	f(m.StageLatency)
	f(m.IndexBatch)
	f(m.AlertDeliveries)
	f(m.Localities)
	f(m.ConsumerPending)
	f(m.ConsumerRedeliv)
	f(m.ConsumerAckPend)
	f(m.DeadLetterDepth)
	f(m.StreamMessages)
	// Every delivery outcome is exported from the start (at 0), so that
	// dashboards and alerts on them work before the first delivery.
	for _, o := range []string{"delivered", "retry", "gone", "expired"} {
		m.AlertDeliveries.WithLabelValues("webhook", o)
	}
	m.AlertDeliveries.WithLabelValues("nats", "published")
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Ingested counts n items published for source.
func (m *Metrics) Ingested(source string, n int) {
	if m != nil && n > 0 {
		m.ItemsIngested.WithLabelValues(source).Add(float64(n))
	}
}

// FetchError counts a failed fetch of source.
func (m *Metrics) FetchError(source, kind string) {
	if m != nil {
		m.FetchErrors.WithLabelValues(source, kind).Inc()
	}
}

// Stage records that a stage finished for an item fetched at fetched.
func (m *Metrics) Stage(stage string, fetched time.Time) {
	if m != nil && !fetched.IsZero() {
		m.StageLatency.WithLabelValues(stage).Observe(time.Since(fetched).Seconds())
	}
}

// IndexBatchTook records an index batch write.
func (m *Metrics) IndexBatchTook(d time.Duration) {
	if m != nil {
		m.IndexBatch.Observe(d.Seconds())
	}
}

// AlertDelivery counts one delivery attempt.
func (m *Metrics) AlertDelivery(channel, outcome string) {
	if m != nil {
		m.AlertDeliveries.WithLabelValues(channel, outcome).Inc()
	}
}

// LocalityDecision counts one item given its localities on basis, with or
// without ambiguous names left undecided.
func (m *Metrics) LocalityDecision(basis string, ambiguous bool) {
	if m != nil {
		m.Localities.WithLabelValues(basis, map[bool]string{true: "yes", false: "no"}[ambiguous]).Inc()
	}
}

// ConsumerRef names a durable consumer to watch.
type ConsumerRef struct{ Stream, Durable string }

// WatchJetStream refreshes the consumer, stream and dead-letter gauges
// every interval until ctx ends.
func (m *Metrics) WatchJetStream(ctx context.Context, js jetstream.JetStream, streams []string, dlq string, consumers []ConsumerRef, interval time.Duration) {
	if m == nil {
		return
	}
	refresh := func() {
		for _, c := range consumers {
			cons, err := js.Consumer(ctx, c.Stream, c.Durable)
			if err != nil {
				continue
			}
			info, err := cons.Info(ctx)
			if err != nil {
				continue
			}
			m.ConsumerPending.WithLabelValues(c.Stream, c.Durable).Set(float64(info.NumPending))
			m.ConsumerRedeliv.WithLabelValues(c.Stream, c.Durable).Set(float64(info.NumRedelivered))
			m.ConsumerAckPend.WithLabelValues(c.Stream, c.Durable).Set(float64(info.NumAckPending))
		}
		for _, s := range streams {
			st, err := js.Stream(ctx, s)
			if err != nil {
				continue
			}
			info, err := st.Info(ctx)
			if err != nil {
				continue
			}
			m.StreamMessages.WithLabelValues(s).Set(float64(info.State.Msgs))
			if s == dlq {
				m.DeadLetterDepth.Set(float64(info.State.Msgs))
			}
		}
	}
	refresh()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			refresh()
		}
	}
}
