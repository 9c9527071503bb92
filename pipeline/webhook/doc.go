// Package webhook signs, verifies and delivers webhooks as the Standard
// Webhooks specification describes them (https://www.standardwebhooks.com/):
// the headers webhook-id, webhook-timestamp and webhook-signature, the latter a
// space-separated list of "v1,<base64 HMAC-SHA256>" over "id.timestamp.body",
// with secrets serialised as "whsec_<base64>".
//
// A Signer holds one or more secrets (several during a rotation) and a
// Verifier checks a received request within a timestamp tolerance (5 minutes
// by default). A Deliverer POSTs a Message, the JSON payload
// {"type","timestamp","data"}, retrying with exponential backoff and jitter
// up to a maximum age (24 hours by default), keeping the same webhook-id and
// signing each attempt afresh; every attempt is reported to a Recorder.
//
// The package does not decide which destinations are allowed: the caller
// passes an *http.Client whose dialer refuses private networks when it must.
package webhook
