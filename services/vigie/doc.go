// Command vigie is Vigie's one binary. `vigie serve` runs every service in
// one process with an embedded NATS server and the embedded Bleve index
// (package app; `--demo` through package demo); the other subcommands
// operate on a data folder, through the running server when there is one
// (package ops), measure (package bench) or evaluate the claims engine.
//
// This package only parses commands: each subcommand parses its flags,
// calls into those packages and prints what they return.
package main
