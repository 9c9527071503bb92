package matcher

import (
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/review"
)

// Rejections follows the vigie_judgements bucket (review.JudgementIndex):
// the (claim or cluster, fact-check) pairs a person rejected, which the
// matcher never suggests again, on new items and on a re-match.
type Rejections struct {
	*review.JudgementIndex
}

// NewRejections returns a follower of the judgements bucket kv.
func NewRejections(kv jetstream.KeyValue, log *zap.Logger) *Rejections {
	return &Rejections{review.NewJudgementIndex(kv, log)}
}

// Drop removes from each claim the matches rejected for it or its cluster;
// a claim that lost a match has its flag recomputed, and one left without
// match under the check-worthiness threshold becomes low priority (kept,
// never dropped in silence). It reports how many matches it removed.
func (r *Rejections) Drop(cs []claims.Claim, worthinessThreshold float64) int {
	n := 0
	for i := range cs {
		c := &cs[i]
		kept := c.Matches[:0:0]
		for _, m := range c.Matches {
			if r.Rejected(c.ID, c.ClusterID, m.FactCheckID) {
				continue
			}
			kept = append(kept, m)
		}
		if len(kept) == len(c.Matches) {
			continue
		}
		n += len(c.Matches) - len(kept)
		c.Matches = kept
		c.Flagged = false
		for _, m := range kept {
			c.Flagged = c.Flagged || m.Flags()
		}
		if len(kept) == 0 && c.Worthiness < worthinessThreshold {
			c.LowPriority = true
		}
	}
	return n
}
