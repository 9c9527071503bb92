// Package codec is the one place where the protobuf messages of
// proto/vigie/v1 become domain types of package claims and back. Every
// message Vigie puts on NATS is encoded and decoded here — ITEMS
// (claims.Item), CLAIMS (claims.ItemClaims), the vigie_review bucket's
// values (claims.ReviewState), REVIEW (claims.ReviewEvent, with its
// extension header), VERDICTS (claims.Verdict) and ALERTS (claims.Alert) —
// and the bus publishes the bytes this package produced. The fact-check
// records of the vigie_factchecks bucket (JSON) are encoded here too.
//
// The enums and the vocabulary of package claims correspond value for value:
// a value with no counterpart is an error, never a silent "unknown".
package codec
