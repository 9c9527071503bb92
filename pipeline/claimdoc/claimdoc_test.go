package claimdoc

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"vigie/claims"
	"vigie/pipeline/index"
)

func TestDocs(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	ic := claims.ItemClaims{ItemID: "i", SourceID: "jn", SourceName: "JN", ItemTitle: "T", ItemURL: "http://x", Language: "pt",
		Localities: []string{"PT-1312"}, Analyzed: at, ReporterRef: "r",
		Claims: []claims.Claim{
			{ID: "a", Text: "A", Worthiness: 0.8, Flagged: true, ClusterID: "k",
				Cluster: claims.ClusterCounts{Items: 3, Sources: 2, First: at.Add(-time.Hour), Last: at},
				Matches: []claims.Match{{FactCheckID: "f1", Score: 0.6, Rating: claims.RatingTrue}, {FactCheckID: "f2", Score: 0.9, Rating: claims.RatingFalse}}},
			{ID: "b", Text: "B", Language: "en"},
		}}
	docs := Docs(ic, func(id string) Review {
		if id == "a" {
			return Review{Status: claims.StatusTriage, Assignee: "ana"}
		}
		return Review{}
	})
	if len(docs) != 2 {
		t.Fatalf("%d docs", len(docs))
	}
	a, err := FromDocument(docs[0])
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != claims.StatusTriage || a.Assignee != "ana" || a.TopScore != 0.9 || a.Matches[1].Rating != claims.RatingFalse || a.Language != "pt" ||
		a.ReporterRef != "r" || !a.Detected.Equal(at) || a.Source != "jn" || a.ClusterID != "k" ||
		a.ClusterItems != 3 || a.ClusterSources != 2 || !a.ClusterFirst.Equal(at.Add(-time.Hour)) || !a.ClusterLast.Equal(at) {
		t.Fatalf("claim a: %+v", a)
	}
	b, _ := FromDocument(docs[1])
	if b.Status != claims.StatusNew || b.Language != "en" || b.Matches == nil || b.Reasons == nil {
		t.Fatalf("claim b: %+v", b)
	}
	if err := Settings().Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestDocumentIsTheJSON: the document built field by field holds exactly
// what the claim's JSON holds (the API's shape), so that the index stores,
// and gives back, the claim as GET /api/v1/claims shows it.
func TestDocumentIsTheJSON(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	full := Claim{ID: "a", Text: "A", ItemID: "i", ItemTitle: "T", ItemURL: "http://x", Source: "jn", SourceName: "JN",
		Language: "pt", Localities: []string{"PT-1312"}, Worthiness: 0.8, Reasons: []claims.Feature{{Name: "number", Weight: 0.3}},
		Matches: []claims.Match{{FactCheckID: "f", Text: "t", Title: "ti", Score: 0.9, Rating: claims.RatingFalse,
			TextualRating: "Faux", Publisher: "P", URL: "http://f", Auto: true, Explanation: "e", SharedTerms: []string{"x"},
			SharedNumbers: []string{"1"}}},
		Flagged: true, Status: claims.StatusTriage, Assignee: "ana", ReporterRef: "r", ClusterID: "k", Published: at,
		Detected: at.Add(time.Hour), TopScore: 0.9, ClusterItems: 3, ClusterSources: 2, ClusterFirst: at, ClusterLast: at.Add(time.Hour)}
	for name, c := range map[string]Claim{"every field": full, "no optional field": {ID: "b", Detected: at}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := index.Canonical(c.Document())
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(c.nonNil())
			if err != nil {
				t.Fatal(err)
			}
			var want index.Document
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("document\n got %v\nwant %v", got, want)
			}
			back, err := FromDocument(c.Document())
			if err != nil || !reflect.DeepEqual(back, c.nonNil()) {
				t.Fatalf("round trip: %+v, %v", back, err)
			}
		})
	}
}

// TestWithReview: judgements decide flagged and confirmed, and each match
// carries its judgement through the index document.
func TestWithReview(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	ic := claims.ItemClaims{ItemID: "i", Analyzed: at, Claims: []claims.Claim{{ID: "a", Text: "A", Flagged: true, LowPriority: true,
		Paragraph: "Before. A. After.", Matches: []claims.Match{
			{FactCheckID: "false-auto", Score: 0.9, Auto: true, Rating: claims.RatingFalse,
				Disagreements: []claims.Disagreement{{Kind: "date", Claim: "2025", FactCheck: "2019"}}},
			{FactCheckID: "true-one", Score: 0.8, Rating: claims.RatingTrue},
			{FactCheckID: "false-decisive", Score: 0.7, Rating: claims.RatingFalse,
				Disagreements: []claims.Disagreement{{Kind: "amount", Claim: "632 €", FactCheck: "1 000 €", Central: true}}},
		}}}}
	doc := func(js ...claims.JudgedMatch) Claim {
		t.Helper()
		d := New(ic, ic.Claims[0], Review{Status: claims.StatusTriage, Judgements: js})
		c, err := FromDocument(d.Document())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	judged := func(fc string, j claims.MatchJudgement) claims.JudgedMatch {
		return claims.JudgedMatch{FactCheckID: fc, Judgement: j, By: "fanny", At: at}
	}
	c := doc()
	if !c.Flagged || c.Confirmed || c.Matches[0].Judgement != nil || !c.LowPriority || c.Paragraph != "Before. A. After." ||
		len(c.Matches[0].Disagreements) != 1 || c.Matches[0].Disagreements[0].FactCheck != "2019" {
		t.Errorf("unjudged: %+v", c)
	}
	c = doc(judged("false-auto", claims.JudgementRejected))
	if c.Flagged || c.Confirmed || c.Matches[0].Judgement == nil || *c.Matches[0].Judgement != claims.JudgementRejected ||
		c.Matches[0].JudgedBy != "fanny" || !c.Matches[0].JudgedAt.Equal(at) || c.Matches[1].Judgement != nil {
		t.Errorf("the flagging match rejected (the decisive one does not flag on its own): %+v", c)
	}
	c = doc(judged("false-auto", claims.JudgementRejected), judged("true-one", claims.JudgementConfirmed))
	if c.Flagged || !c.Confirmed || c.ConfirmedRating != claims.RatingTrue {
		t.Errorf("a true match confirmed: %+v", c)
	}
	c = doc(judged("false-auto", claims.JudgementRejected), judged("false-decisive", claims.JudgementConfirmed))
	if !c.Flagged || !c.Confirmed || c.ConfirmedRating != claims.RatingFalse {
		t.Errorf("a person confirms the decisive false match: flagged and confirmed: %+v", c)
	}
	c = doc(judged("gone", claims.JudgementConfirmed))
	if !c.Confirmed {
		t.Errorf("a confirmed match the latest analysis no longer suggests still confirms the claim: %+v", c)
	}
	raw, _ := json.Marshal(doc().Matches[1])
	if !strings.Contains(string(raw), `"judgement":null`) {
		t.Errorf("an unjudged match's JSON says judgement null: %s", raw)
	}
}
