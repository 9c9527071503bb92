// Package proto holds the protobuf contracts of every message Vigie puts on
// NATS (vigie/v1/*.proto) and, under gen/, the Go code generated from them
// with `make proto` (buf and protoc-gen-go, pinned as tools in go.mod).
package proto
