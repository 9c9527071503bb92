package ops

import (
	"context"

	"go.uber.org/zap"

	"vigie/pipeline/bus"
	"vigie/pipeline/matchermodel"
	"vigie/services/vigie/app"
)

// OpenMatcherModel opens the matcher model setting of a data folder; close
// releases it.
func OpenMatcherModel(ctx context.Context, dir string) (*matchermodel.Store, func(), error) {
	b, closeFn, err := app.OpenData(ctx, dir, zap.NewNop())
	if err != nil {
		return nil, nil, err
	}
	kv, err := b.KV(ctx, bus.BucketSettings)
	if err != nil {
		closeFn()
		return nil, nil, err
	}
	return matchermodel.NewStore(kv), closeFn, nil
}
