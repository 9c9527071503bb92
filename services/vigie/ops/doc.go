// Package ops holds the operator's commands on a data folder — accounts,
// sources, item and fact-check imports, dead letters, status, reindexing —
// as functions that return what they did. `vigie` parses the flags, calls
// them and prints the results; they reach the NATS server of the folder
// through app.OpenData, so they work the same whether `vigie serve` runs
// or not.
package ops
