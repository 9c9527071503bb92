package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/claims/datasets"
	"vigie/services/vigie/bench"
)

func TestBenchFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		wantErr bool
		check   func(bench.Options) bool
	}{
		{name: "defaults", check: func(f bench.Options) bool {
			return f.Items == 5000 && f.Runs == 3 && f.FactChecks == 100_000 && f.Out == "docs/benchmarks.md"
		}},
		{name: "quick", args: []string{"--quick"}, check: func(f bench.Options) bool {
			return f.Items == 500 && f.Runs == 1 && strings.HasPrefix(f.Out, os.TempDir())
		}},
		{name: "quick keeps given sizes", args: []string{"--quick", "--items", "900", "--out", "x.md"}, check: func(f bench.Options) bool {
			return f.Items == 900 && f.Runs == 1 && f.Out == "x.md"
		}},
		{name: "restart items follow the search corpus", args: []string{"--search-docs", "1000000"}, check: func(f bench.Options) bool {
			return f.RestartItems == 1_000_000
		}},
		{name: "restart items given", args: []string{"--quick", "--restart-items", "7000"}, check: func(f bench.Options) bool {
			return f.RestartItems == 7000 && f.SearchDocs == 5000
		}},
		{name: "zero items", args: []string{"--items", "0"}, wantErr: true},
		{name: "stray argument", args: []string{"extra"}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			f, err := parseBenchFlags(tc.args, &stderr)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v (%s)", err, tc.wantErr, stderr.String())
			}
			if err == nil && !tc.check(f) {
				t.Fatalf("flags %+v", f)
			}
		})
	}
}

// TestBenchQuick runs `vigie bench --quick` whole (about a minute of both
// cores): set VIGIE_BENCH=1. It checks that every section of the report
// has figures.
func TestBenchQuick(t *testing.T) {
	if os.Getenv("VIGIE_BENCH") != "1" {
		t.Skip("set VIGIE_BENCH=1 to run vigie bench --quick (about a minute of CPU)")
	}
	out := filepath.Join(t.TempDir(), "benchmarks.md")
	shared := filepath.Dir(datasets.Require(t))
	args := []string{"--quick", "--out", out, "--shared", shared}
	if extra := os.Getenv("VIGIE_BENCH_ARGS"); extra != "" {
		args = append(args, strings.Fields(extra)...)
	}
	var stdout, stderr bytes.Buffer
	if err := runBench(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("vigie bench: %v\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rep := string(b)
	t.Log(stdout.String())
	if p := os.Getenv("VIGIE_BENCH_KEEP"); p != "" {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"## Machine", "combined floor", "pipeline end to end", "Fetch to searchable", "sentences/s", "default view", "Restart", "Cold start", "Peak memory"} {
		if !strings.Contains(rep, want) {
			t.Errorf("report has no %q", want)
		}
	}
	if strings.Contains(rep, "NaN") || strings.Contains(rep, "+Inf") {
		t.Errorf("report holds NaN or Inf:\n%s", rep)
	}
}
