package ops

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"vigie/pipeline/bus"
	"vigie/pipeline/subscription"
	"vigie/services/vigie/app"
)

// OpenGrants opens the subscribers' grants of a data folder (declaring
// their bucket if no alerter ever ran there); close releases it.
func OpenGrants(ctx context.Context, dir string) (*subscription.Grants, func(), error) {
	b, closeFn, err := app.OpenData(ctx, dir, zap.NewNop())
	if err != nil {
		return nil, nil, err
	}
	for _, kc := range b.Topology().Alerting(0, 0, 0).Buckets {
		if kc.Bucket != bus.BucketGrants {
			continue
		}
		kv, err := b.JS.CreateOrUpdateKeyValue(ctx, kc)
		if err != nil {
			closeFn()
			return nil, nil, fmt.Errorf("open grants: %w", err)
		}
		return subscription.NewGrants(kv, nil), closeFn, nil
	}
	closeFn()
	return nil, nil, fmt.Errorf("open grants: bucket %s is not declared", bus.BucketGrants)
}
