// Package alertprotocol writes OASIS Common Alerting Protocol (CAP) 1.2
// messages of published verdicts for municipal emergency-information
// systems, whereas its look-alike services/alerter is the pipeline stage
// that decides which subscriber is alerted and delivers what this package
// writes.
//
// Only published verdicts become CAP messages: automatic, unreviewed
// matches never do. The first message of a verdict is an Alert; a
// correction is an Update and a retraction a Cancel, each referencing the
// messages before it. Times are written as CAP requires ("-00:00" for UTC,
// never "Z"), identifiers and senders hold no space, comma, '<' or '&'.
package alertprotocol
