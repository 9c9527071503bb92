//go:build !race

package main

// raceDetector is true in a -race build (see bench_race_test.go).
const raceDetector = false
