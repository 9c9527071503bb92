// Package codec is the one place where protobuf messages of proto/vigie/v1
// become domain types of package claims and back.
package codec
