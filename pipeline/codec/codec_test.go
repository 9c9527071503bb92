package codec

import (
	"reflect"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"vigie/claims"
	vigiev1 "vigie/proto/gen/vigie/v1"
)

var at = time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)

func TestEnumsCorrespond(t *testing.T) {
	t.Parallel()
	for _, r := range claims.Ratings {
		p, err := encodeRating(r)
		if err != nil {
			t.Fatalf("rating %s: %v", r, err)
		}
		if back, err := decodeRating(p); err != nil || back != r {
			t.Errorf("rating %s → %v → %s, %v", r, p, back, err)
		}
	}
	if p, _ := encodeRating(claims.RatingUnknown); p != vigiev1.Rating_RATING_UNSPECIFIED {
		t.Error("unknown is not unspecified")
	}
	for _, s := range claims.Statuses {
		p, err := encodeReviewStatus(s)
		if back, derr := decodeReviewStatus(p); err != nil || derr != nil || back != s {
			t.Errorf("status %s → %v → %s", s, p, back)
		}
	}
	if s, err := decodeReviewStatus(vigiev1.ReviewStatus_REVIEW_STATUS_UNSPECIFIED); err != nil || s != claims.StatusNew {
		t.Error("an unspecified status is not new")
	}
	for _, k := range claims.SourceKinds {
		p, err := encodeSourceKind(k)
		if back, derr := decodeSourceKind(p); err != nil || derr != nil || back != k || p == 0 {
			t.Errorf("source kind %s → %v → %s", k, p, back)
		}
	}
	for _, k := range claims.AlertKinds {
		p, err := encodeAlertKind(k)
		if back, derr := decodeAlertKind(p); err != nil || derr != nil || back != k || p == 0 {
			t.Errorf("alert kind %s → %v → %s", k, p, back)
		}
	}
	// Every protobuf value has a domain value: a new enum value must be
	// added to claims and to the tables, not fall back to "unknown".
	for v := range vigiev1.Rating_name {
		if _, err := decodeRating(vigiev1.Rating(v)); err != nil {
			t.Errorf("rating enum %d: %v", v, err)
		}
	}
	for v := range vigiev1.ReviewStatus_name {
		if _, err := decodeReviewStatus(vigiev1.ReviewStatus(v)); err != nil {
			t.Errorf("review status enum %d: %v", v, err)
		}
	}
	for v := range vigiev1.SourceKind_name {
		if _, err := decodeSourceKind(vigiev1.SourceKind(v)); err != nil {
			t.Errorf("source kind enum %d: %v", v, err)
		}
	}
	for v := range vigiev1.AlertKind_name {
		if _, err := decodeAlertKind(vigiev1.AlertKind(v)); (err != nil) != (v == 0) {
			t.Errorf("alert kind enum %d: %v", v, err)
		}
	}
	// Unknown values on either side are errors.
	if _, err := decodeRating(vigiev1.Rating(42)); err == nil {
		t.Error("rating enum 42 decoded")
	}
	if _, err := encodeRating("pants_on_fire"); err == nil {
		t.Error("rating pants_on_fire encoded")
	}
	if _, err := decodeReviewStatus(vigiev1.ReviewStatus(42)); err == nil {
		t.Error("status enum 42 decoded")
	}
	if _, err := encodeAlertKind(""); err == nil {
		t.Error("an alert without a kind encoded")
	}
}

func TestItemRoundTrip(t *testing.T) {
	t.Parallel()
	it := claims.Item{ID: "i1", SourceID: "s", SourceName: "S", Kind: claims.SourceTipline, URL: "http://x", Title: "T",
		Text: "text", HTML: "<p>text</p>", Language: "pt", Localities: []string{"PT-1312"}, Published: at, Fetched: at.Add(time.Minute),
		GUID: "g", Authors: []string{"a"}, ReporterRef: "ref1"}
	b, err := EncodeItem(it)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeItem(b)
	if err != nil || !reflect.DeepEqual(back, it) {
		t.Fatalf("round trip:\n got %+v, %v\nwant %+v", back, err, it)
	}
	for _, bad := range [][]byte{{0xff, 0x01}, {}} {
		if _, err := DecodeItem(bad); err == nil {
			t.Errorf("DecodeItem(%x) succeeded", bad)
		}
		if _, err := DecodeItemClaims(bad); err == nil {
			t.Errorf("DecodeItemClaims(%x) succeeded", bad)
		}
	}
	odd, _ := proto.Marshal(&vigiev1.Item{Id: "x", Kind: vigiev1.SourceKind(99)})
	if _, err := DecodeItem(odd); err == nil {
		t.Error("an item of an unknown kind decoded")
	}
}

func TestItemClaimsRoundTrip(t *testing.T) {
	t.Parallel()
	it := claims.Item{ID: "i1", SourceID: "s", SourceName: "S", Kind: claims.SourceFeed, URL: "http://x", Title: "T",
		Localities: []string{"PT-1312"}, Published: at, Fetched: at, ReporterRef: "ref1"}
	c := claims.Claim{ID: "c1", ItemID: "i1", Index: 2, Text: "x", Language: "pt", Worthiness: 0.7,
		Reasons: []claims.Feature{{Name: "number", Weight: 1}}, Flagged: true, Fingerprint: 42, ClusterID: "k",
		Cluster: claims.ClusterCounts{Items: 3, Sources: 2, First: at, Last: at.Add(time.Hour), Recent: []claims.ClusterSighting{
			{ItemID: "i1", SourceID: "s", At: at.Add(time.Hour)}, {ItemID: "i0", SourceID: "t", At: at}}},
		Matches: []claims.Match{{FactCheckID: "f", Text: "t", Score: 0.9, Rating: claims.RatingFalse, Auto: true,
			SharedTerms: []string{"x"}, SharedNumbers: []string{"124"}}}}
	ic := claims.NewItemClaims(it, []claims.Claim{c}, at.Add(time.Second))
	ic.StoreRevision = 7
	if ic.Language != "pt" {
		t.Fatalf("the item's language falls back to its first claim's: %q", ic.Language)
	}
	b, err := EncodeItemClaims(ic)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeItemClaims(b)
	if err != nil || !reflect.DeepEqual(back, ic) {
		t.Fatalf("round trip:\n got %+v, %v\nwant %+v", back, err, ic)
	}
	odd, _ := proto.Marshal(&vigiev1.ItemClaims{ItemId: "i", Claims: []*vigiev1.Claim{{Id: "c",
		Matches: []*vigiev1.Match{{FactcheckId: "f", Rating: vigiev1.Rating(42)}}}}})
	if _, err := DecodeItemClaims(odd); err == nil {
		t.Error("a match with an unknown rating decoded")
	}
}

func TestReviewRoundTrip(t *testing.T) {
	t.Parallel()
	st := claims.ReviewState{Status: claims.StatusDraft, Assignee: "ana", VerdictID: "c", Notes: []string{"n1", "n2"}}
	b, err := EncodeReviewState(st)
	if err != nil {
		t.Fatal(err)
	}
	if back, err := DecodeReviewState(b); err != nil || !back.Equal(st) {
		t.Fatalf("state round trip: %+v, %v", back, err)
	}
	if empty, err := DecodeReviewState(nil); err != nil || !empty.Equal(claims.NewReviewState()) {
		t.Fatalf("an empty value is a new claim: %+v, %v", empty, err)
	}
	ev := claims.ReviewEvent{ID: "c.3", ClaimID: "c", Actor: claims.Actor{Name: "edith", Role: claims.RoleEditor}, At: at,
		Action: claims.ActionPublishVerdict, Before: claims.ReviewState{Status: claims.StatusAwaitingApproval},
		After: claims.ReviewState{Status: claims.StatusPublished}, Revision: 3, Detail: "published",
		Verdict: &claims.Verdict{ID: "c", ClaimID: "c", State: claims.VerdictPublished, Version: 1,
			VerdictInput: claims.VerdictInput{ClaimReviewed: "x", Rating: claims.RatingFalse, Language: "fr"}}}
	data, ext, err := EncodeReviewEvent(ev)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeReviewEvent(data, ext, 9)
	ev.Seq = 9
	if err != nil || !reflect.DeepEqual(back, ev) {
		t.Fatalf("event round trip:\n got %+v, %v\nwant %+v", back, err, ev)
	}
	body, err := DecodeReviewEvent(data, "", 9)
	if err != nil || body.Actor.Role != "" || body.Verdict != nil || body.ClaimID != "c" || body.After.Status != claims.StatusPublished {
		t.Fatalf("event body alone: %+v, %v", body, err)
	}
	if _, err := DecodeReviewEvent(data, "not base64!", 1); err == nil {
		t.Error("a broken extension header decoded")
	}
}

func TestVerdictRoundTrip(t *testing.T) {
	t.Parallel()
	v := &claims.Verdict{ID: "c", ClaimID: "c", State: claims.VerdictRetracted, Version: 2, Editor: "edith", Published: at,
		CorrectionNote: "fixed", Retracted: true,
		VerdictInput: claims.VerdictInput{ClaimReviewed: "x", Rating: claims.RatingMisleading, TextualRating: "Enganador",
			Summary: "s", Sources: []string{"https://a"}, Claimant: "c", Appearances: []string{"https://b"},
			Localities: []string{"PT-1312"}, Language: "pt", ReviewDate: at.AddDate(1, 0, 0)}}
	b, err := EncodeVerdict(v)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeVerdict(b)
	if err != nil || !reflect.DeepEqual(back, v) {
		t.Fatalf("round trip:\n got %+v, %v\nwant %+v", back, err, v)
	}
	if _, err := DecodeVerdict(nil); err == nil {
		t.Error("a verdict without an id decoded")
	}
}

func TestAlertRoundTrip(t *testing.T) {
	t.Parallel()
	a := claims.Alert{ID: "alrt_x", SubscriptionID: "sub", Locality: "FR-75056", Kind: claims.AlertTrending, Severity: 4,
		Unreviewed: true, Title: "T", Text: "x", URL: "https://v/claims/c", ClaimID: "c", ClusterID: "k", Created: at,
		Status: claims.AlertCancelled, Revision: 3, Updated: at.Add(time.Hour)}
	b, err := EncodeAlert(a)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeAlert(b)
	if err != nil || !reflect.DeepEqual(back, a) {
		t.Fatalf("round trip:\n got %+v, %v\nwant %+v", back, err, a)
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

// FuzzDecode feeds arbitrary bytes to every decoder: an error or a value
// that encodes again, never a panic.
func FuzzDecode(f *testing.F) {
	it, _ := EncodeItem(claims.Item{ID: "i", Kind: claims.SourceFeed, Title: "t"})
	f.Add(it)
	f.Add([]byte{0x0a, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		if it, err := DecodeItem(data); err == nil {
			if _, err := EncodeItem(it); err != nil {
				t.Fatalf("decoded item does not encode: %v", err)
			}
		}
		if ic, err := DecodeItemClaims(data); err == nil {
			if _, err := EncodeItemClaims(ic); err != nil {
				t.Fatalf("decoded item claims do not encode: %v", err)
			}
		}
		if v, err := DecodeVerdict(data); err == nil {
			if _, err := EncodeVerdict(v); err != nil {
				t.Fatalf("decoded verdict does not encode: %v", err)
			}
		}
		if a, err := DecodeAlert(data); err == nil {
			if _, err := EncodeAlert(a); err != nil {
				t.Fatalf("decoded alert does not encode: %v", err)
			}
		}
		if st, err := DecodeReviewState(data); err == nil {
			if _, err := EncodeReviewState(st); err != nil {
				t.Fatalf("decoded state does not encode: %v", err)
			}
		}
	})
}
