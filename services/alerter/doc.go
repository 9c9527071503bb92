// Package alerter is the service that alerts municipalities. It follows
// the CLAIMS and VERDICTS streams with durable consumers ("alerter") and
// raises alerts for the subscriptions of pipeline/subscription:
//
//   - flagged: a claim in a subscribed locality matched automatically to a
//     false, mostly false or misleading fact-check ("Unreviewed match");
//   - trending: repeats of one claim cluster across items and sources
//     crossed a threshold within a window, counted in a KV bucket with
//     compare-and-set so several alerter processes agree;
//   - verdict: a published verdict concerns the locality.
//
// Alert ids are derived from the subscription, the kind, the cluster (or
// claim, or verdict version) and the window, so a redelivered message
// raises the same id: the alert is stored once (KV create), published once
// on vigie.alerts.<locality> (Nats-Msg-Id) and delivered once per webhook.
//
// Webhook deliveries are queued on the DELIVERIES work stream and attempted
// by a consumer that waits between attempts with NakWithDelay, so the
// consumers of CLAIMS and VERDICTS never block on a slow receiver. Every
// attempt is recorded; an endpoint failing for long enough is disabled and
// a notice recorded for admins.
//
// Routes declares, and Handler serves, the private feeds (Atom, JSON Feed,
// and an Atom index of CAP 1.2 messages) and the subscriptions API.
package alerter
