package bus

import (
	"context"

	"github.com/nats-io/nats.go/jetstream"
)

// Follow applies every entry of a KV watcher until ctx ends or the watcher
// closes, and closes ready (when not nil) once the bucket's current content
// has been applied (the watcher's nil marker). It stops the watcher.
func Follow(ctx context.Context, w jetstream.KeyWatcher, ready chan struct{}, apply func(jetstream.KeyValueEntry)) error {
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
				if initial && ready != nil {
					close(ready)
				}
				initial = false
				continue
			}
			apply(e)
		}
	}
}
