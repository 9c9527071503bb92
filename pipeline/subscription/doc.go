// Package subscription holds municipalities' alert subscriptions: which
// localities, keywords, languages, minimum severity and triggers a
// subscription follows, and the channels its alerts go to (a private feed
// behind a secret token, signed webhooks, NATS subjects for integrators and
// a CAP feed of published verdicts).
//
// Subscriptions are kept as JSON in a JetStream KV bucket (BucketConfig);
// Store updates them by revision, so two admins never overwrite each other.
// DeliveryLog keeps every webhook delivery attempt, listable per
// subscription, and the notices raised when an endpoint is disabled.
package subscription
