package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vigie/pipeline/fetch"
)

// Example shows how a scheduler polls one source: a per-host slot, a
// conditional GET with the stored validators, and the state update that
// decides the next poll or disables the source.
func Example() {
	client := fetch.New(fetch.Config{}) // private networks refused
	hosts := fetch.NewHostLimiter(2)
	ctx := context.Background()
	var st fetch.SourceState
	policy := fetch.Policy{Interval: 15 * time.Minute, MaxFailures: 10}

	if err := hosts.Acquire(ctx, "169.254.169.254"); err != nil {
		return
	}
	resp, err := client.Get(ctx, "http://169.254.169.254/latest/meta-data/", st.Validators)
	hosts.Release("169.254.169.254")
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	if err != nil {
		st.Failure(err, now, policy)
		var be *fetch.BlockedError
		fmt.Println(errors.As(err, &be), fetch.ErrorKind(err), be.Reason)
		return
	}
	if resp.NotModified {
		return // nothing to publish
	}
	// Output:
	// true blocked cloud metadata
}
