package review

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigie/claims"
	"vigie/pipeline/codec"
)

func TestVerdictInputValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       claims.VerdictInput
		complete bool
		wantErr  string // substring; "" for valid
	}{
		{"complete", goodInput(), true, ""},
		{"empty draft", claims.VerdictInput{}, false, ""},
		{"empty is incomplete", claims.VerdictInput{}, true, "claim_reviewed missing"},
		{"unknown rating", claims.VerdictInput{Rating: claims.RatingUnknown}, false, `rating "unknown"`},
		{"made-up rating", claims.VerdictInput{Rating: "pants_on_fire"}, false, "not one of the scale"},
		{"bad language", claims.VerdictInput{Language: "French"}, false, "BCP 47"},
		{"script url", claims.VerdictInput{Sources: []string{"javascript:alert(1)"}}, false, "not an absolute http(s) url"},
		{"relative appearance", claims.VerdictInput{Appearances: []string{"/x"}}, false, "appearances"},
		{"bad locality", claims.VerdictInput{Localities: []string{"Paris"}}, false, "locality"},
		{"no source", func() claims.VerdictInput { in := goodInput(); in.Sources = nil; return in }(), true, "no source"},
		{"huge summary", claims.VerdictInput{Summary: strings.Repeat("a", MaxTextLen+1)}, false, "summary longer"},
		{"too many sources", claims.VerdictInput{Sources: manyURLs(MaxListLen + 1)}, false, "more than 100 sources"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateInput(NormalizeInput(tt.in), tt.complete)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("err = %v, want valid", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want ErrInvalid containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	in := claims.VerdictInput{ClaimReviewed: "  x ", Sources: []string{" https://a.example/ ", "", "https://a.example/"},
		Localities: []string{"fr-75056", "FR-75056", " se-0180"}, Rating: " false "}
	got := NormalizeInput(in)
	if got.ClaimReviewed != "x" || !slices.Equal(got.Sources, []string{"https://a.example/"}) ||
		!slices.Equal(got.Localities, []string{"FR-75056", "SE-0180"}) || got.Rating != claims.RatingFalse {
		t.Fatalf("normalized = %+v", got)
	}
}

func TestVerdictConversions(t *testing.T) {
	t.Parallel()
	first := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	second := first.Add(48 * time.Hour)
	v := &claims.Verdict{VerdictInput: goodInput(), ID: "abc", ClaimID: "abc", State: claims.VerdictPublished, Version: 2,
		Editor: "edith", FirstPublished: first, Published: second, CorrectionNote: "fixed the date",
		Corrections: []claims.Correction{{Version: 2, Date: second, Note: "fixed the date"}}}
	v.ReviewDate = first.AddDate(1, 0, 0)
	v.VerdictInput = NormalizeInput(v.VerdictInput)

	t.Run("VERDICTS message round trip", func(t *testing.T) {
		b, err := codec.EncodeVerdict(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := codec.DecodeVerdict(b)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != v.ID || got.Version != 2 || got.Rating != claims.RatingFalse || got.Summary != v.Summary ||
			!slices.Equal(got.Localities, v.Localities) || !got.Published.Equal(second) ||
			!got.ReviewDate.Equal(v.ReviewDate) || got.CorrectionNote != v.CorrectionNote || got.Editor != "edith" {
			t.Fatalf("round trip = %+v", got)
		}
	})
	t.Run("publish.Verdict", func(t *testing.T) {
		pv := testSite.Publish(v)
		if pv.URL != "https://news.example/verdicts/abc" || pv.Rating != claims.RatingFalse || pv.TextualRating != "Faux" ||
			pv.Claimant.Name != "A viral post" || pv.Publisher.Name != "La Vigie locale" || !pv.Published.Equal(first) ||
			!pv.Modified.Equal(second) || len(pv.Corrections) != 1 || pv.Version != 2 || pv.Retracted {
			t.Fatalf("publish.Verdict = %+v", pv)
		}
		r := v.Clone()
		r.Retracted, r.RetractionNote, r.RetractedAt = true, "withdrawn", second.Add(time.Hour)
		pr := testSite.Publish(r)
		if !pr.Retracted || len(pr.Corrections) != 2 || pr.Corrections[1].Note != "withdrawn" || !pr.Modified.Equal(r.RetractedAt) {
			t.Fatalf("retracted publish.Verdict = %+v", pr)
		}
	})
	t.Run("verdict subjects", func(t *testing.T) {
		if got := VerdictSubjects(v); !slices.Equal(got, []string{"vigie.verdicts.fr-75056", "vigie.verdicts.fr-69123"}) {
			t.Fatalf("subjects = %v", got)
		}
		if got := VerdictSubjects(&claims.Verdict{}); !slices.Equal(got, []string{"vigie.verdicts.none"}) {
			t.Fatalf("subjects = %v", got)
		}
	})
	t.Run("fact-check title defaults to the claim", func(t *testing.T) {
		f := testSite.FactCheck(v)
		if f.Title != v.ClaimReviewed || f.ID != "verdict.abc" || f.Date != second {
			t.Fatalf("fact-check = %+v", f)
		}
		v2 := v.Clone()
		v2.Title, v2.TextualRating = "Non, la bibliothèque ne ferme pas", ""
		if f := testSite.FactCheck(v2); f.Title != v2.Title || f.TextualRating != "False" {
			t.Fatalf("fact-check = %+v", f)
		}
	})
}

func manyURLs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "https://a.example/" + strconv.Itoa(i)
	}
	return out
}
