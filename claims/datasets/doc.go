// Package datasets finds the evaluation datasets that stay outside the
// repository: the claim-matching and check-worthiness sets read by `vigie
// eval`, `vigie train` and `vigie bench`, and by the tests and benchmarks
// that reproduce their figures (docs/quality.md, docs/benchmarks.md).
//
// They live in the datasets/ folder of the project's shared folder: the one
// named by the VIGIE_SHARED environment variable, or else ../shared beside
// the repository. Everything else the tests read is in the repository
// (pipeline/specs, pipeline/fixtures, claims/fixtures and the testdata/
// folders).
//
// Require is for tests: without the datasets it skips the test with a
// message saying where to put them, except under CI=true, where CI has them
// beside the checkout and a missing file fails the test instead.
package datasets
