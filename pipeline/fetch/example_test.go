package fetch_test

import (
	"context"
	"errors"
	"fmt"

	"vigie/pipeline/fetch"
)

// Example shows how a scheduler polls one source: a per-host slot, a
// conditional GET with the stored validators, and the state update that
// error that tells the scheduler what happened (its state is kept by
// pipeline/source).
func Example() {
	client := fetch.New(fetch.Config{}) // private networks refused
	hosts := fetch.NewHostLimiter(2)
	ctx := context.Background()

	if err := hosts.Acquire(ctx, "169.254.169.254"); err != nil {
		return
	}
	resp, err := client.Get(ctx, "http://169.254.169.254/latest/meta-data/", fetch.Validators{})
	hosts.Release("169.254.169.254")
	if err != nil {
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
