package review

import (
	"strconv"

	"github.com/nats-io/nats.go"

	"vigie/claims"
	"vigie/pipeline/codec"
)

// EventID is the id of the event that moves claimID on from revision: it is
// deterministic, so a retried write is de-duplicated, and unique, because
// only one event per claim and revision reaches the stream.
func EventID(claimID string, revision uint64) string {
	return claimID + "." + strconv.FormatUint(revision, 10)
}

// decodeEvent decodes a REVIEW message from its body and headers.
func decodeEvent(data []byte, h nats.Header, seq uint64) (claims.ReviewEvent, error) {
	return codec.DecodeReviewEvent(data, h.Get(codec.HeaderReviewExt), seq)
}
