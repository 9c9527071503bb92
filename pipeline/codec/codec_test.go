package codec

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"vigie/claims"
	vigiev1 "vigie/proto/gen/vigie/v1"
)

func TestRatingsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, r := range claims.Ratings {
		if r == claims.RatingUnknown {
			continue
		}
		if got := DomainRating(Rating(r)); got != r {
			t.Errorf("%s → %v → %s", r, Rating(r), got)
		}
	}
	if Rating(claims.RatingUnknown) != vigiev1.Rating_RATING_UNSPECIFIED || DomainRating(vigiev1.Rating_RATING_UNSPECIFIED) != claims.RatingUnknown {
		t.Error("unknown is not unspecified")
	}
}

func TestItemClaims(t *testing.T) {
	t.Parallel()
	pub := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	it := &vigiev1.Item{Id: "i1", SourceId: "s", SourceName: "S", Title: "T", Url: "http://x", Language: "pt", Localities: []string{"PT-1312"},
		Published: timestamppb.New(pub), Fetched: timestamppb.New(pub), ReporterRef: "ref1", Kind: vigiev1.SourceKind_SOURCE_KIND_TIPLINE}
	data, _ := proto.Marshal(it)
	back, err := DecodeItem(data)
	if err != nil {
		t.Fatal(err)
	}
	d := Item(back)
	if d.ID != "i1" || d.Language != "pt" || !d.Published.Equal(pub) || d.Localities[0] != "PT-1312" {
		t.Fatalf("domain item: %+v", d)
	}
	c := claims.Claim{ID: "c1", Index: 2, Text: "x", Language: "pt", Worthiness: 0.7, Reasons: []claims.Feature{{Name: "number", Weight: 1}},
		Matches: []claims.Match{{FactCheckID: "f", Score: 0.9, Rating: claims.RatingFalse, Auto: true, SharedNumbers: []string{"124"}}}, Flagged: true}
	ic := ItemClaims(back, []claims.Claim{c}, pub)
	if ic.GetItemId() != "i1" || ic.GetReporterRef() != "ref1" || ic.GetKind() != vigiev1.SourceKind_SOURCE_KIND_TIPLINE || len(ic.GetClaims()) != 1 {
		t.Fatalf("item claims: %v", ic)
	}
	m := ic.GetClaims()[0].GetMatches()[0]
	if m.GetRating() != vigiev1.Rating_RATING_FALSE || !m.GetAuto() || m.GetSharedNumbers()[0] != "124" || !ic.GetClaims()[0].GetFlagged() {
		t.Fatalf("claim: %v", ic.GetClaims()[0])
	}
	for _, bad := range [][]byte{{0xff, 0x01}, {}} {
		if _, err := DecodeItem(bad); err == nil {
			t.Errorf("DecodeItem(%x) succeeded", bad)
		}
		if _, err := DecodeItemClaims(bad); err == nil {
			t.Errorf("DecodeItemClaims(%x) succeeded", bad)
		}
	}
}

func TestFactCheckRecord(t *testing.T) {
	t.Parallel()
	fc := claims.FactCheck{ID: "https://x/1", Text: "claim", Rating: claims.RatingMisleading, TextualRating: "Enganador", Localities: []string{"PT-1312"}}
	b, err := EncodeFactCheck(fc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeFactCheck(b)
	if err != nil || back.ID != fc.ID || back.Rating != fc.Rating || back.TextualRating != "Enganador" {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	if odd, err := DecodeFactCheck([]byte(`{"id":"a","text":"b","rating":"pants on fire"}`)); err != nil || odd.Rating != claims.RatingUnknown {
		t.Fatalf("a rating off the scale must become unknown: %+v %v", odd, err)
	}
	if _, err := DecodeFactCheck([]byte(`{"id":"a"}`)); err == nil {
		t.Fatal("a record without text decoded")
	}
	k := FactCheckKey("import", fc.ID)
	if k != FactCheckKey("import", fc.ID) || len(k) != len("import.")+32 {
		t.Fatalf("key %q", k)
	}
}

func TestReviewStatusesRoundTrip(t *testing.T) {
	for _, s := range claims.Statuses {
		if DomainReviewStatus(ReviewStatus(s)) != s {
			t.Errorf("status %s does not round-trip", s)
		}
	}
	if DomainReviewStatus(vigiev1.ReviewStatus_REVIEW_STATUS_UNSPECIFIED) != claims.StatusNew {
		t.Error("unspecified is not new")
	}
}
