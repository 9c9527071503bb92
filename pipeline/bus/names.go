package bus

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
	// ConsumerAlerter reads CLAIMS and VERDICTS for the alerter.
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
	// The alerter's buckets; their configurations depend on alerting
	// options and are declared by services/alerter (Declarations).
	BucketSubscriptions = "vigie_subscriptions"
	BucketDeliveries    = "vigie_deliveries"
	BucketAlerts        = "vigie_alerts"
	BucketTrends        = "vigie_trends"
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
		mk(StreamAlerts, SubjectAlerts, "alerts per locality"),
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

// Buckets returns the KV bucket configurations.
func (t Topology) Buckets() []jetstream.KeyValueConfig {
	mk := func(name, desc string, history uint8) jetstream.KeyValueConfig {
		return jetstream.KeyValueConfig{Bucket: name, Description: desc, History: history, Storage: jetstream.FileStorage, Replicas: t.replicas()}
	}
	return []jetstream.KeyValueConfig{
		mk(BucketSeen, "item ids already published", 1),
		mk(BucketSources, "sources and their fetch state", 1),
		mk(BucketReview, "review state per claim, updated by revision", 5),
		mk(BucketFactChecks, "fact-checks followed by every matcher", 1),
		mk(BucketVerdicts, "verdicts, every version", 10),
		mk(BucketUsers, "user accounts", 5),
		mk(BucketTokens, "API tokens, stored hashed", 1),
		withTTL(mk(BucketSessions, "login sessions, stored hashed", 1), 30*24*time.Hour),
		mk(BucketReporters, "tipline reporters' identities: personal data, erasable", 1),
		mk(BucketClusters, "near-duplicate claim clusters", 1),
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
