package bench

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"vigie/claims/claimreview"
	"vigie/claims/datasets"
)

func TestBenchHelpers(t *testing.T) {
	t.Parallel()
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
			if got := Percentile(ds, p); got != want {
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
	t.Parallel()
	vclaims := datasets.Require(t, "claim-matching", "checkthat2020-en", "vclaims.tsv")
	// The shared folder holds datasets/claim-matching/checkthat2020-en/.
	shared := filepath.Join(vclaims, "..", "..", "..", "..")
	rows, err := readVClaims(shared)
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
