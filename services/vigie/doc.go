// Command vigie is Vigie's one binary. `vigie serve` runs every service in
// one process with an embedded NATS server and the embedded Bleve index;
// the other subcommands operate on a data folder, through the running
// server when there is one.
package main
