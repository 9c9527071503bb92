// Package cap writes OASIS Common Alerting Protocol 1.2 messages for
// published verdicts, for municipal emergency-information systems.
//
// Only published verdicts become CAP messages: automatic, unreviewed
// matches never do. The first message of a verdict is an Alert; a
// correction is an Update and a retraction a Cancel, each referencing the
// messages before it. Times are written as CAP requires ("-00:00" for UTC,
// never "Z"), identifiers and senders hold no space, comma, '<' or '&'.
package cap
