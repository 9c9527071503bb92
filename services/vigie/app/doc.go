// Package app is Vigie's application: the process `vigie serve` runs. It
// wires the services — the embedded NATS server (or a connection to an
// external one) and its topology, the search index, accounts, the review
// workflow, the ingester, matcher, indexer, alerter, publisher and
// reviewer — into one process with an explicit lifecycle: Start returns
// once the HTTP server listens, Shutdown stops everything in order under
// one deadline.
//
// It also opens a data folder for the other subcommands (OpenData) and
// rebuilds its search index from the log (RebuildIndex).
//
// The package knows nothing of the demo nor of the benchmark: they prepare
// Options (extra sources, fact-checks, localities, an index wrapper, a
// route-policy adjustment) and call Start like `vigie serve` does.
package app
