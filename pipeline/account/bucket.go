package account

import (
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// KV bucket names; the lead mirrors them in pipeline/bus/names.go.
const (
	BucketUsers    = "vigie_users"
	BucketSessions = "vigie_sessions"
	BucketTokens   = "vigie_tokens"
)

// MaxSessionLifetime bounds Config.SessionAbsolute. It is the TTL of the
// sessions bucket, fixed so that every process declares the same bucket:
// abandoned sessions disappear on their own, while the configured idle and
// absolute expiry are checked on every lookup.
const MaxSessionLifetime = 30 * 24 * time.Hour

// Buckets returns the KV bucket configurations of accounts.
func Buckets(replicas int) []jetstream.KeyValueConfig {
	if replicas < 1 {
		replicas = 1
	}
	return []jetstream.KeyValueConfig{
		{Bucket: BucketUsers, Description: "users, roles, password hashes, two-factor state; updated by revision", History: 5, Storage: jetstream.FileStorage, Replicas: replicas},
		{Bucket: BucketSessions, Description: "browser sessions keyed by the sha-256 of their id", History: 1, TTL: MaxSessionLifetime, Storage: jetstream.FileStorage, Replicas: replicas},
		{Bucket: BucketTokens, Description: "api tokens keyed by the sha-256 of the token", History: 1, Storage: jetstream.FileStorage, Replicas: replicas},
	}
}
