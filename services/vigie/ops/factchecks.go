package ops

import (
	"context"
	"fmt"
	"os"

	"vigie/claims/claimreview"
	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
)

// ImportFactChecks stores the fact-checks of a file (ClaimReview JSON-LD,
// the Google Fact Check Tools API JSON, CSV or TSV) in the fact-check
// bucket that every matcher follows: they are matchable at once, also
// while `vigie serve` runs. progress, when set, is told of each stored
// fact-check. The report says what the file held.
func ImportFactChecks(ctx context.Context, b *bus.Bus, path string, progress func(done, total int)) (*claimreview.Report, error) {
	kv, err := b.KV(ctx, bus.BucketFactChecks)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("import fact-checks: %w", err)
	}
	fcs, rep, err := claimreview.Import(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	for i, fc := range fcs {
		val, err := codec.EncodeFactCheck(fc)
		if err != nil {
			return nil, err
		}
		if _, err := kv.Put(ctx, codec.FactCheckKey("import", fc.ID), val); err != nil {
			return nil, fmt.Errorf("import %s: store %s: %w", path, fc.ID, err)
		}
		if progress != nil {
			progress(i+1, len(fcs))
		}
	}
	return rep, nil
}
