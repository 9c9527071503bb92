// Package indextest is the contract suite every index.Backend must pass, and
// the deterministic claim-document generator used by the suite and by the
// index benchmarks.
//
// A backend's test calls Run with a function that opens a fresh, empty
// index for each subtest:
//
//	func TestContract(t *testing.T) {
//		indextest.Run(t, func(t *testing.T) index.Backend { ... })
//	}
package indextest
