package reviewer

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestChartsGolden pins the server-side SVG charts: geometry, legend and
// the escaping of names (a source named like markup stays text).
func TestChartsGolden(t *testing.T) {
	t.Parallel()
	days := []DayCount{
		{Day: "2026-11-25", Total: 3, PerSource: map[string]int{"le-monde": 2, `<b>"jn"</b>`: 1}},
		{Day: "2026-11-26", Total: 0, PerSource: map[string]int{}},
		{Day: "2026-11-27", Total: 6, PerSource: map[string]int{"le-monde": 1, `<b>"jn"</b>`: 5}},
	}
	cases := []struct {
		name string
		svg  string
	}{
		{"days", string(stackedBars("Claims per source & day", days, daySources(days)))},
		{"localities", string(hbars("Per locality", []NamedCount{{"FR-75056", 12}, {"PT-1312", 3}, {"<script>", 1}}))},
		{"empty", string(hbars("Per locality", nil))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if strings.Contains(c.svg, "<b>") || strings.Contains(c.svg, "<script>") {
				t.Fatal("a name was written as markup")
			}
			path := filepath.Join("testdata", "golden", c.name+".svg")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(c.svg), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if string(want) != c.svg {
				t.Errorf("%s differs from %s:\n%s", c.name, path, c.svg)
			}
		})
	}
}

func TestMedianAndDurations(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   []time.Duration
		want time.Duration
	}{
		{"none", nil, 0},
		{"odd", []time.Duration{3 * time.Hour, time.Hour, 2 * time.Hour}, 2 * time.Hour},
		{"even", []time.Duration{4 * time.Hour, time.Hour, 2 * time.Hour, 3 * time.Hour}, 150 * time.Minute},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := median(c.in); got != c.want {
				t.Fatalf("median %v, want %v", got, c.want)
			}
		})
	}
	for d, want := range map[time.Duration]string{90 * time.Second: "2 min", 3 * time.Hour: "3.0 h", 72 * time.Hour: "3.0 d"} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
