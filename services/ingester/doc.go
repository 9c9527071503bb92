// Package ingester polls the configured sources, turns their entries into
// items and publishes each item once on the ITEMS stream
// (vigie.items.<kind>.<source>, Nats-Msg-Id = item id). Published ids are
// also kept in the vigie_seen bucket, so an item is never republished
// after JetStream's duplicate window has forgotten its id.
package ingester
