package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/claims/claimreview"
)

func TestBenchHelpers(t *testing.T) {
	t.Run("median", func(t *testing.T) {
		for _, tc := range []struct {
			in   []float64
			want float64
		}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
			if got := median(tc.in); got != tc.want {
				t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
			}
		}
	})
	t.Run("percentile", func(t *testing.T) {
		var ds []time.Duration
		for i := 100; i >= 1; i-- {
			ds = append(ds, time.Duration(i)*time.Millisecond)
		}
		for p, want := range map[float64]time.Duration{0.5: 50 * time.Millisecond, 0.95: 95 * time.Millisecond, 0.99: 99 * time.Millisecond, 1: 100 * time.Millisecond} {
			if got := percentile(ds, p); got != want {
				t.Errorf("p%v = %s, want %s", p*100, got, want)
			}
		}
	})
	t.Run("verdict", func(t *testing.T) {
		for _, tc := range []struct {
			got, target float64
			atLeast     bool
			want        string
		}{
			{12000, 10000, true, "**met**"},
			{8000, 10000, true, "**missed** by 2000 sentences/s (80% of the target)"},
			{1.5, 2, false, "**met**"},
			{3, 2, false, "**missed** by 1.00 sentences/s (150% of the target)"},
		} {
			if got := verdict(tc.got, tc.target, tc.atLeast, " sentences/s"); got != tc.want {
				t.Errorf("verdict(%v, %v, %v) = %q, want %q", tc.got, tc.target, tc.atLeast, got, tc.want)
			}
		}
	})
	t.Run("combined floor", func(t *testing.T) {
		r := &benchReport{parse: []measure{{rate: 1000}}, js: []measure{{rate: 1000}}, bleve: []measure{{rate: 500}}, matcher: []measure{{rate: 250}}}
		if got := r.combinedFloor(); got < 124.99 || got > 125.01 {
			t.Errorf("combined floor %v, want 125", got)
		}
		r.matcher = nil
		if got := r.combinedFloor(); got != 0 {
			t.Errorf("combined floor without a matcher figure %v, want 0", got)
		}
	})
}

// TestBenchFactCheckExpansion: the expanded store is written as a TSV the
// importer reads back whole, ids unique, copy v paired with the documented title.
func TestBenchFactCheckExpansion(t *testing.T) {
	rows, err := readVClaims(filepath.Join("..", "..", "..", "shared"))
	if err != nil {
		t.Fatal(err)
	}
	n := len(rows) + 7
	fcs := expandFactChecks(rows, n)
	if len(fcs) != n {
		t.Fatalf("%d fact-checks, want %d", len(fcs), n)
	}
	if fcs[len(rows)].ID != rows[0][0]+"#1" || fcs[len(rows)].Title != rows[517%len(rows)][2] || fcs[len(rows)].Text != rows[0][1] {
		t.Fatalf("copy 1 of claim 0: %+v", fcs[len(rows)])
	}
	path := filepath.Join(t.TempDir(), "fc.tsv")
	if err := writeFactCheckTSV(path, fcs); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	back, rep, err := claimreview.Import(f)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, fc := range back {
		ids[fc.ID] = true
	}
	if len(back) != n || len(ids) != n {
		t.Fatalf("imported %d fact-checks (%d distinct ids), want %d; report %+v", len(back), len(ids), n, rep)
	}
}

func TestBenchFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr bool
		check   func(benchFlags) bool
	}{
		{name: "defaults", check: func(f benchFlags) bool {
			return f.items == 5000 && f.runs == 3 && f.factchecks == 100_000 && f.out == "docs/benchmarks.md"
		}},
		{name: "quick", args: []string{"--quick"}, check: func(f benchFlags) bool {
			return f.items == 500 && f.runs == 1 && strings.HasPrefix(f.out, os.TempDir())
		}},
		{name: "quick keeps given sizes", args: []string{"--quick", "--items", "900", "--out", "x.md"}, check: func(f benchFlags) bool {
			return f.items == 900 && f.runs == 1 && f.out == "x.md"
		}},
		{name: "restart items follow the search corpus", args: []string{"--search-docs", "1000000"}, check: func(f benchFlags) bool {
			return f.restartItems == 1_000_000
		}},
		{name: "restart items given", args: []string{"--quick", "--restart-items", "7000"}, check: func(f benchFlags) bool {
			return f.restartItems == 7000 && f.searchDocs == 5000
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
	args := []string{"--quick", "--out", out, "--shared", filepath.Join("..", "..", "..", "shared")}
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
