package claimreview

import (
	"strings"
	"testing"
)

func FuzzImport(f *testing.F) {
	for _, s := range []string{
		`{"@context":"https://schema.org","@type":"ClaimReview","claimReviewed":"x","reviewRating":{"alternateName":"False","ratingValue":1,"bestRating":5}}`,
		`{"@graph":[{"@type":"ClaimReview","claimReviewed":"y","itemReviewed":{"author":{"name":"A"}}}]}`,
		`[{"text":"t","claimReview":[{"textualRating":"مضلل","url":"u"}]}]`,
		"URL\tclaimReviewed\talternativeName\nu\tc\tfalso\n",
		"claim,rating\n\"a, b\",Faux\n",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fcs, rep, err := Import(strings.NewReader(s))
		if err != nil {
			return
		}
		if rep == nil || rep.Imported != len(fcs) {
			t.Fatalf("report %+v for %d fact-checks", rep, len(fcs))
		}
		for _, fc := range fcs {
			if fc.ID == "" || fc.Text == "" || !fc.Rating.Valid() {
				t.Fatalf("bad fact-check %+v", fc)
			}
		}
	})
}
