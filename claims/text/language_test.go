package text

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// labelled reads the text column of a TSV from ../shared (column col).
func labelled(t testing.TB, col int, parts ...string) []string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "..", "shared"}, parts...)...)
	f, err := os.Open(p)
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

// TestDetectAccuracy measures Detect on the labelled languages of
// ../shared (figures in docs/quality.md; run with -v to print them).
func TestDetectAccuracy(t *testing.T) {
	cw := []string{"datasets", "check-worthiness"}
	sets := []struct {
		name string
		want string // "" = not one of our languages: Detect should abstain
		min  float64
		text []string
	}{
		{"en checkthat2022 dev", "en", 0.95, labelled(t, 2, append(cw, "checkthat2022-tweets-en", "dev.tsv")...)},
		{"es checkthat2022 dev", "es", 0.95, labelled(t, 2, append(cw, "checkthat2022-tweets-es", "dev.tsv")...)},
		{"ar checkthat2022 dev", "ar", 0.99, labelled(t, 2, append(cw, "checkthat2022-tweets-ar", "dev.tsv")...)},
		{"pt FACTCK.BR claims", "pt", 0.90, labelled(t, 3, "testdata", "claimreview", "factckbr_pt_br_claimreview.tsv")},
		{"bg checkthat2022 dev (abstain)", "", 0.95, labelled(t, 2, append(cw, "checkthat2022-tweets-bg", "dev.tsv")...)},
		{"nl checkthat2022 dev", "nl", 0.80, labelled(t, 2, append(cw, "checkthat2022-tweets-nl", "dev.tsv")...)},
		{"tr checkthat2022 dev", "tr", 0.80, labelled(t, 2, append(cw, "checkthat2022-tweets-tr", "dev.tsv")...)},
	}
	for _, s := range sets {
		t.Run(s.name, func(t *testing.T) {
			ok := 0
			for _, x := range s.text {
				if Detect(x) == s.want {
					ok++
				}
			}
			acc := float64(ok) / float64(len(s.text))
			t.Logf("%s: %d/%d = %.3f", s.name, ok, len(s.text), acc)
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
