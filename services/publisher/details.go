package publisher

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/index"
	"vigie/pipeline/review"
)

// ClaimIndex reads claim documents by id; index.Backend satisfies it.
type ClaimIndex interface {
	Get(ctx context.Context, id string) (index.Document, error)
}

// maxClaimDates bounds the claim dates IndexDetails remembers.
const maxClaimDates = 10000

// IndexDetails returns an Options.Details that completes verdicts from the
// search index: the claim date is the publication date of the item the
// claim was found in (its detection date when the item had none), read
// from the claim's document (claimdoc.Claim) once and remembered; the media
// come from DetectMedia. A claim missing from the index (imported, or the
// index being rebuilt) leaves the date unknown, and so does a nil idx (a
// process without an index).
func IndexDetails(idx ClaimIndex, site review.Site, log *zap.Logger) func(context.Context, *claims.Verdict) Details {
	if log == nil {
		log = zap.NewNop()
	}
	if idx == nil {
		return func(_ context.Context, v *claims.Verdict) Details {
			return Details{Media: DetectMedia(site.Publish(v))}
		}
	}
	var mu sync.Mutex
	dates := map[string]time.Time{}
	return func(ctx context.Context, v *claims.Verdict) Details {
		d := Details{Media: DetectMedia(site.Publish(v))}
		if v.ClaimID == "" {
			return d
		}
		mu.Lock()
		t, ok := dates[v.ClaimID]
		mu.Unlock()
		if ok {
			d.ClaimDate = t
			return d
		}
		doc, err := idx.Get(ctx, v.ClaimID)
		if err != nil {
			if !errors.Is(err, index.ErrNotFound) {
				log.Debug("claim date not read", zap.String("claim_id", v.ClaimID), zap.Error(err))
			}
			return d
		}
		var c claimdoc.Claim
		if err := doc.Decode(&c); err != nil {
			log.Debug("claim document not decoded", zap.String("claim_id", v.ClaimID), zap.Error(err))
			return d
		}
		t = c.Published
		if t.IsZero() {
			t = c.Detected
		}
		if t.IsZero() {
			return d
		}
		mu.Lock()
		if len(dates) >= maxClaimDates {
			clear(dates)
		}
		dates[v.ClaimID] = t
		mu.Unlock()
		d.ClaimDate = t
		return d
	}
}
