package bus

// This file is the topology: the name of every stream, subject, consumer,
// bucket and dead-letter stage, and the declaration of each.

import (
	"regexp"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Stream names.
const (
	StreamItems    = "ITEMS"
	StreamClaims   = "CLAIMS"
	StreamReview   = "REVIEW"
	StreamVerdicts = "VERDICTS"
	StreamAlerts   = "ALERTS"
	StreamDLQ      = "DLQ"
	// StreamDeliveries is the alerter's work queue of webhook deliveries.
	StreamDeliveries = "DELIVERIES"
)

// Subject prefixes; every token after them matches TokenPattern.
const (
	SubjectItems    = "vigie.items"
	SubjectClaims   = "vigie.claims"
	SubjectReview   = "vigie.review"
	SubjectVerdicts = "vigie.verdicts"
	SubjectAlerts   = "vigie.alerts"
	SubjectDLQ      = "vigie.dlq"
	// SubjectDeliveries prefixes vigie.deliveries.<subscription>.
	SubjectDeliveries = "vigie.deliveries"
)

// Durable consumer names; every process of a service shares its consumer.
const (
	ConsumerMatcher = "matcher"
	ConsumerIndexer = "indexer"
	ConsumerReview  = "indexer-review"
	// ConsumerAlerter reads CLAIMS, VERDICTS and REVIEW for the alerter.
	ConsumerAlerter = "alerter"
	// ConsumerDeliveries reads the deliveries work queue.
	ConsumerDeliveries = "alerter-deliveries"
)

// KV bucket names.
const (
	BucketSeen       = "vigie_seen"
	BucketSources    = "vigie_sources"
	BucketReview     = "vigie_review"
	BucketFactChecks = "vigie_factchecks"
	BucketVerdicts   = "vigie_verdicts"
	BucketUsers      = "vigie_users"
	BucketTokens     = "vigie_tokens"
	BucketSessions   = "vigie_sessions"
	BucketReporters  = "vigie_reporters"
	BucketClusters   = "vigie_clusters"
	// BucketSettings holds workspace settings every process follows (the
	// matcher's model: pipeline/matchermodel).
	BucketSettings = "vigie_settings"
	// BucketJudgements keeps the match judgements by claim or cluster
	// (keys "claim.<claim>.<h>" and "cluster.<cluster>.<h>", h a hash of the
	// fact-check id), which the matcher follows to drop rejected pairs.
	BucketJudgements = "vigie_judgements"
	// The alerter's buckets; their configurations depend on alerting
	// options (Topology.Alerting).
	BucketSubscriptions = "vigie_subscriptions"
	BucketDeliveries    = "vigie_deliveries"
	BucketAlerts        = "vigie_alerts"
	// BucketAlertStates keeps each alert's life (status, revision, the
	// subscriptions it reached) by alert id, and the alerts of each claim.
	BucketAlertStates = "vigie_alert_states"
	BucketTrends      = "vigie_trends"
	BucketGrants      = "vigie_grants"
)

// Stage names, as used in dead-letter subjects vigie.dlq.<stage>.
const (
	StageMatcher = "matcher"
	StageIndexer = "indexer"
	StageAlerter = "alerter"
)

// TokenPattern is what a subject token may contain.
var TokenPattern = regexp.MustCompile(`^[a-z0-9_-]+$`)

var tokenUnsafe = regexp.MustCompile(`[^a-z0-9_-]+`)

// Token turns s into a valid subject token: lower case, anything outside
// [a-z0-9_-] replaced by '_', "none" when nothing is left.
func Token(s string) string {
	t := tokenUnsafe.ReplaceAllString(strings.ToLower(s), "_")
	t = strings.Trim(t, "_")
	if t == "" {
		return "none"
	}
	return t
}

// ItemSubject is the subject of an item of the given source kind and source id.
func ItemSubject(kind, source string) string {
	return SubjectItems + "." + Token(kind) + "." + Token(source)
}

// ClaimsSubject is the subject of the claims detected in an item of the given language.
func ClaimsSubject(lang string) string {
	if lang == "" {
		lang = "und"
	}
	return SubjectClaims + "." + Token(lang)
}

// ReviewSubject is the subject of review events of one claim.
func ReviewSubject(claimID string) string { return SubjectReview + "." + Token(claimID) }

// VerdictSubject is the subject of a verdict concerning a locality code
// (vigie.verdicts.none for a verdict without locality).
func VerdictSubject(locality string) string { return SubjectVerdicts + "." + Token(locality) }

// AlertSubject is the subject of the alerts of a locality code.
func AlertSubject(locality string) string { return SubjectAlerts + "." + Token(locality) }

// DeliverySubject is the subject of the pending webhook deliveries of a
// subscription.
func DeliverySubject(subscriptionID string) string {
	return SubjectDeliveries + "." + Token(subscriptionID)
}

// DLQSubject is the dead-letter subject of a stage.
func DLQSubject(stage string) string { return SubjectDLQ + "." + Token(stage) }

// Topology is the set of streams, consumers and buckets Vigie declares.
type Topology struct {
	// Replicas is the stream and bucket replica count (1 embedded, 3 on a cluster).
	Replicas int
	// DuplicateWindow is JetStream's de-duplication window for Nats-Msg-Id.
	DuplicateWindow time.Duration
	// MaxDeliver bounds deliveries before a message goes to the dead-letter subject.
	MaxDeliver int
	// AckWait is how long a delivered message may stay unacknowledged.
	AckWait time.Duration
	// ItemsMaxAge, when set, purges items and their claims from ITEMS and
	// CLAIMS after that age (retention of raw content; verdicts, review
	// events and alerts are kept).
	ItemsMaxAge time.Duration
}

// DefaultTopology is the topology of a single-process install.
func DefaultTopology() Topology {
	return Topology{Replicas: 1, DuplicateWindow: 2 * time.Minute, MaxDeliver: 5, AckWait: 30 * time.Second}
}

// Streams returns the stream configurations: Limits retention, no age limit.
func (t Topology) Streams() []jetstream.StreamConfig {
	mk := func(name, subject, desc string) jetstream.StreamConfig {
		return jetstream.StreamConfig{
			Name:        name,
			Description: desc,
			Subjects:    []string{subject + ".>"},
			Retention:   jetstream.LimitsPolicy,
			Storage:     jetstream.FileStorage,
			Replicas:    t.replicas(),
			Duplicates:  t.DuplicateWindow,
			Discard:     jetstream.DiscardOld,
		}
	}
	items := mk(StreamItems, SubjectItems, "ingested items, one message per item id")
	claims := mk(StreamClaims, SubjectClaims, "claims detected per item")
	items.MaxAge, claims.MaxAge = t.ItemsMaxAge, t.ItemsMaxAge
	return []jetstream.StreamConfig{
		items,
		claims,
		mk(StreamReview, SubjectReview, "review events: the audit log"),
		mk(StreamVerdicts, SubjectVerdicts, "published verdicts and their corrections"),
		mk(StreamAlerts, SubjectAlerts, "alert changes per locality, one message per alert and revision, kept for replay"),
		mk(StreamDLQ, SubjectDLQ, "poison messages per stage"),
	}
}

// Consumers returns the durable pull consumers, keyed by stream name.
func (t Topology) Consumers() map[string][]jetstream.ConsumerConfig {
	mk := func(name, desc string) jetstream.ConsumerConfig {
		return jetstream.ConsumerConfig{
			Durable:       name,
			Description:   desc,
			AckPolicy:     jetstream.AckExplicitPolicy,
			AckWait:       t.AckWait,
			MaxDeliver:    -1, // the runner terms after Topology.MaxDeliver and dead-letters
			DeliverPolicy: jetstream.DeliverAllPolicy,
			MaxAckPending: 4096,
		}
	}
	return map[string][]jetstream.ConsumerConfig{
		StreamItems:  {mk(ConsumerMatcher, "matcher: items to claims")},
		StreamClaims: {mk(ConsumerIndexer, "indexer: claims to the search index")},
		StreamReview: {mk(ConsumerReview, "indexer: review state to the search index")},
	}
}

// SessionsTTL is the TTL of the sessions bucket, fixed so that every process
// declares the same bucket: abandoned sessions disappear on their own (the
// configured idle and absolute expiry are checked on every lookup).
const SessionsTTL = 30 * 24 * time.Hour

// ClustersTTL is how long the clusters bucket keeps a claim or a cluster's
// counts after its last write: a claim older than that starts a cluster of
// its own, and a cluster quiet that long starts its counts again.
const ClustersTTL = 90 * 24 * time.Hour

func (t Topology) bucket(name, desc string, history uint8) jetstream.KeyValueConfig {
	return jetstream.KeyValueConfig{Bucket: name, Description: desc, History: history, Storage: jetstream.FileStorage, Replicas: t.replicas()}
}

// Buckets returns the KV bucket configurations Apply declares: the
// pipeline's and the accounts' (AccountBuckets).
func (t Topology) Buckets() []jetstream.KeyValueConfig {
	return append([]jetstream.KeyValueConfig{
		t.bucket(BucketSeen, "item ids already published", 1),
		t.bucket(BucketSources, "sources and their fetch state", 1),
		t.bucket(BucketReview, "review state per claim, updated by revision", 5),
		t.bucket(BucketFactChecks, "fact-checks followed by every matcher", 1),
		t.bucket(BucketVerdicts, "verdicts, every version", 10),
		t.bucket(BucketReporters, "tipline reporters' identities: personal data, erasable", 1),
		t.bucket(BucketSettings, "workspace settings followed by every process (matcher_model)", 5),
		withTTL(t.bucket(BucketClusters, "claim clusters: each claim's cluster and text (s.<claim>), each cluster's counts (n.<cluster>)", 1), ClustersTTL),
		t.bucket(BucketJudgements, "match judgements by claim or cluster and fact-check", 1),
	}, t.AccountBuckets()...)
}

// AccountBuckets returns the configurations of the accounts' buckets (users,
// sessions, tokens): part of Buckets, and what pipeline/account creates when
// it opens a store where none exists yet.
func (t Topology) AccountBuckets() []jetstream.KeyValueConfig {
	return []jetstream.KeyValueConfig{
		t.bucket(BucketUsers, "users, roles, password hashes, two-factor state; updated by revision", 5),
		withTTL(t.bucket(BucketSessions, "browser sessions keyed by the sha-256 of their id", 1), SessionsTTL),
		t.bucket(BucketTokens, "api tokens keyed by the sha-256 of the token", 1),
	}
}

// Alerting is what the alerter declares at its start, idempotently: its
// buckets, the deliveries work queue and its consumers (keyed by stream).
type Alerting struct {
	Buckets   []jetstream.KeyValueConfig
	Stream    jetstream.StreamConfig
	Consumers map[string]jetstream.ConsumerConfig
}

// Alerting returns the alerter's declarations: trending counters live twice
// the trending window, delivery records deliveryMaxAge (30 days when zero),
// and a delivery stays unacknowledged at most attemptTimeout and 30 seconds.
func (t Topology) Alerting(window, attemptTimeout, deliveryMaxAge time.Duration) Alerting {
	if deliveryMaxAge <= 0 {
		deliveryMaxAge = 30 * 24 * time.Hour
	}
	consumer := func(durable, desc string, ackWait time.Duration) jetstream.ConsumerConfig {
		return jetstream.ConsumerConfig{Durable: durable, Description: desc, AckPolicy: jetstream.AckExplicitPolicy,
			AckWait: ackWait, MaxDeliver: -1, DeliverPolicy: jetstream.DeliverAllPolicy, MaxAckPending: 1024}
	}
	ackWait := t.AckWait
	if ackWait <= 0 {
		ackWait = 30 * time.Second
	}
	return Alerting{
		Buckets: []jetstream.KeyValueConfig{
			t.bucket(BucketSubscriptions, "alert subscriptions, updated by revision", 5),
			withTTL(t.bucket(BucketDeliveries, "webhook delivery attempts and endpoint notices", 1), deliveryMaxAge),
			withTTL(t.bucket(BucketAlerts, "alerts raised, per subscription, updated in place", 1), 180*24*time.Hour),
			withTTL(t.bucket(BucketAlertStates, "alert states by alert id (status, revision), alerts by claim; updated by revision", 1), 180*24*time.Hour),
			withTTL(t.bucket(BucketTrends, "trending counters per cluster and window", 1), 2*window),
			t.bucket(BucketGrants, "localities and limits an admin granted each subscriber", 5),
		},
		Stream: jetstream.StreamConfig{Name: StreamDeliveries, Description: "pending webhook deliveries",
			Subjects: []string{SubjectDeliveries + ".>"}, Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage,
			Replicas: t.replicas(), Duplicates: max(t.DuplicateWindow, 2*time.Minute), Discard: jetstream.DiscardOld},
		Consumers: map[string]jetstream.ConsumerConfig{
			StreamClaims:     consumer(ConsumerAlerter, "alerter: claims to flagged and trending alerts", ackWait),
			StreamVerdicts:   consumer(ConsumerAlerter, "alerter: verdicts to verdict alerts", ackWait),
			StreamReview:     consumer(ConsumerAlerter, "alerter: review events to alert changes (dismissed, reopened, judged)", ackWait),
			StreamDeliveries: consumer(ConsumerDeliveries, "alerter: webhook deliveries, one attempt per delivery", attemptTimeout+30*time.Second),
		},
	}
}

func withTTL(c jetstream.KeyValueConfig, ttl time.Duration) jetstream.KeyValueConfig {
	c.TTL = ttl
	return c
}

func (t Topology) replicas() int {
	if t.Replicas < 1 {
		return 1
	}
	return t.Replicas
}
