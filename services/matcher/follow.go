package matcher

import (
	"context"

	"github.com/nats-io/nats.go/jetstream"
)

// follow applies every entry of a KV watcher until ctx ends, closing ready
// once the bucket's current content has been applied.
func follow(ctx context.Context, w jetstream.KeyWatcher, ready chan struct{}, apply func(jetstream.KeyValueEntry)) error {
	defer func() { _ = w.Stop() }()
	initial := true
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-w.Updates():
			if !ok {
				return nil
			}
			if e == nil {
				if initial {
					initial = false
					close(ready)
				}
				continue
			}
			apply(e)
		}
	}
}
