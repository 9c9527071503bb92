package queue

import (
	"testing"
	"time"

	"vigie/claims"
)

func TestDocs(t *testing.T) {
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	ic := claims.ItemClaims{ItemID: "i", SourceID: "jn", SourceName: "JN", ItemTitle: "T", ItemURL: "http://x", Language: "pt",
		Localities: []string{"PT-1312"}, Analyzed: at, ReporterRef: "r",
		Claims: []claims.Claim{
			{ID: "a", Text: "A", Worthiness: 0.8, Flagged: true, ClusterID: "k",
				Matches: []claims.Match{{FactCheckID: "f1", Score: 0.6, Rating: claims.RatingTrue}, {FactCheckID: "f2", Score: 0.9, Rating: claims.RatingFalse}}},
			{ID: "b", Text: "B", Language: "en"},
		}}
	docs, err := Docs(ic, func(id string) Review {
		if id == "a" {
			return Review{Status: "triage", Assignee: "ana"}
		}
		return Review{}
	})
	if err != nil || len(docs) != 2 {
		t.Fatalf("%d docs, %v", len(docs), err)
	}
	a, err := FromDocument(docs[0])
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != "triage" || a.Assignee != "ana" || a.TopScore != 0.9 || a.Matches[1].Rating != "false" || a.Language != "pt" ||
		a.ReporterRef != "r" || !a.Detected.Equal(at) || a.Source != "jn" || a.ClusterID != "k" {
		t.Fatalf("claim a: %+v", a)
	}
	b, _ := FromDocument(docs[1])
	if b.Status != StatusNew || b.Language != "en" || b.Matches == nil || b.Reasons == nil {
		t.Fatalf("claim b: %+v", b)
	}
	if err := Settings().Validate(); err != nil {
		t.Fatal(err)
	}
}
