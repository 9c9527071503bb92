package eval

import (
	"strings"
	"testing"
)

func FuzzReaders(f *testing.F) {
	f.Add("id\ttext\n1\thello\n", "1 0 5 1\n", "id\tgroup\ttext\tlabel\n1\tg\tx\t1\n")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, queries, qrels, sentences string) {
		if qs, err := ReadQueries(strings.NewReader(queries)); err == nil {
			for _, q := range qs {
				if strings.ContainsAny(q.ID, "\n") {
					t.Fatalf("query id %q", q.ID)
				}
			}
		}
		if q, err := ReadQrels(strings.NewReader(qrels)); err == nil {
			for _, rel := range q {
				if len(rel) == 0 {
					t.Fatal("empty relevant set")
				}
			}
		}
		if ss, err := ReadSentences(strings.NewReader(sentences)); err == nil {
			scores := make([]float64, len(ss))
			ws := Worthiness(ss, scores, 0.5)
			if ws.MAP < 0 || ws.MAP > 1 || ws.F1 < 0 || ws.F1 > 1 {
				t.Fatalf("scores out of range %+v", ws)
			}
		}
	})
}
