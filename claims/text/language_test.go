package text

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"vigie/claims/datasets"
	"vigie/claims/fixtures"
)

// labelled reads the text column col of the TSV at path (header skipped).
func labelled(t testing.TB, col int, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("labelled set missing: %v", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for i := 0; sc.Scan(); i++ {
		if i == 0 {
			continue
		}
		fs := strings.Split(sc.Text(), "\t")
		if col < len(fs) && strings.TrimSpace(fs[col]) != "" {
			out = append(out, fs[col])
		}
	}
	return out
}

// TestDetectAccuracy measures Detect on labelled languages: the FACTCK.BR
// claims of package fixtures and the CheckThat! 2022 tweets of the
// evaluation datasets, outside the repository (figures in docs/quality.md;
// run with -v to print them).
func TestDetectAccuracy(t *testing.T) {
	t.Parallel()
	checkThat := func(lang string) func(testing.TB) string {
		return func(tb testing.TB) string {
			return datasets.Require(tb, "check-worthiness", "checkthat2022-tweets-"+lang, "dev.tsv")
		}
	}
	sets := []struct {
		name string
		want string // "" = not one of our languages: Detect should abstain
		min  float64
		col  int
		path func(testing.TB) string
	}{
		{"en checkthat2022 dev", "en", 0.95, 2, checkThat("en")},
		{"es checkthat2022 dev", "es", 0.95, 2, checkThat("es")},
		{"ar checkthat2022 dev", "ar", 0.99, 2, checkThat("ar")},
		{"pt FACTCK.BR claims", "pt", 0.90, 3, func(testing.TB) string { return fixtures.Path("claimreview", "factckbr_pt_br_claimreview.tsv") }},
		{"bg checkthat2022 dev (abstain)", "", 0.95, 2, checkThat("bg")},
		{"nl checkthat2022 dev", "nl", 0.80, 2, checkThat("nl")},
		{"tr checkthat2022 dev", "tr", 0.80, 2, checkThat("tr")},
	}
	for _, s := range sets {
		t.Run(s.name, func(t *testing.T) {
			text := labelled(t, s.col, s.path(t))
			ok := 0
			for _, x := range text {
				if Detect(x) == s.want {
					ok++
				}
			}
			acc := float64(ok) / float64(len(text))
			t.Logf("%s: %d/%d = %.3f", s.name, ok, len(text), acc)
			if acc < s.min {
				t.Errorf("accuracy %.3f below %.2f", acc, s.min)
			}
		})
	}
}

func BenchmarkDetect(b *testing.B) {
	s := "The government said that the number of cases has doubled since last week, according to officials."
	for b.Loop() {
		_ = Detect(s)
	}
}

func BenchmarkSentences(b *testing.B) {
	s := strings.Repeat("Mr. Smith said the U.S. economy grew 3.5% in 2021. Did it? Yes! ", 20)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		_ = Sentences(s, "en")
	}
}

func BenchmarkAnalyzerTerms(b *testing.B) {
	a := AnalyzerFor("en")
	s := "Drinking hot water every fifteen minutes kills the coronavirus, says a viral post shared 20,000 times."
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		_ = a.Terms(s)
	}
}
