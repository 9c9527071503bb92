//go:build race

package systemtest

// raceDetector is true in a -race build: the load test then offers a
// lighter default load (the detector slows everything 2 to 10 times), so
// that `make systest` checks its correctness (no error, nothing lost) rather
// than this machine's speed under instrumentation.
const raceDetector = true
