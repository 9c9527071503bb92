// Package systemtest holds Vigie's whole-system tests: the application
// started in process or as `vigie` processes, on real NATS servers, under
// faults (kill -9, a NATS restart, an index outage, a full disk), as a
// cluster, with hostile inputs, under load, and driven in a real browser
// (headless Chromium: the review flow, accessibility, screenshots).
//
// Tests that only wait run in parallel (t.Parallel); those that push
// thousands of items through the pipeline (cluster node loss, kill -9, NATS
// restart, shared matchers) and the load test run alone, so that their
// deadlines and figures do not depend on the others.
//
// It is a module of its own so that its test-only dependencies (chromedp)
// stay out of the application's module; `make systest` runs it, and CI
// runs it after `make test`. The package has no code besides the tests.
package systemtest
