package codec

import (
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"vigie/claims"
	"vigie/claims/text"
	vigiev1 "vigie/proto/gen/vigie/v1"
)

// marshal is every message's encoding: deterministic protobuf, so that the
// same value always gives the same bytes.
func marshal(m proto.Message) ([]byte, error) {
	return proto.MarshalOptions{Deterministic: true}.Marshal(m)
}

// EncodeItem encodes an item as its ITEMS message (vigie.v1.Item).
func EncodeItem(it claims.Item) ([]byte, error) {
	kind, err := encodeSourceKind(it.Kind)
	if err != nil {
		return nil, fmt.Errorf("encode item %s: %w", it.ID, err)
	}
	b, err := marshal(&vigiev1.Item{
		Id: it.ID, SourceId: it.SourceID, SourceName: it.SourceName, Kind: kind, Url: it.URL, Title: it.Title,
		Text: it.Text, Html: it.HTML, Language: it.Language, Localities: it.Localities, Published: timestamp(it.Published),
		Fetched: timestamp(it.Fetched), Guid: it.GUID, Authors: it.Authors, ReporterRef: it.ReporterRef,
	})
	if err != nil {
		return nil, fmt.Errorf("encode item %s: %w", it.ID, err)
	}
	return b, nil
}

// DecodeItem decodes an ITEMS message; an item without an id is an error.
func DecodeItem(data []byte) (claims.Item, error) {
	var p vigiev1.Item
	if err := proto.Unmarshal(data, &p); err != nil {
		return claims.Item{}, fmt.Errorf("decode item: %w", err)
	}
	if p.GetId() == "" {
		return claims.Item{}, fmt.Errorf("decode item: no id")
	}
	kind, err := decodeSourceKind(p.GetKind())
	if err != nil {
		return claims.Item{}, fmt.Errorf("decode item %s: %w", p.GetId(), err)
	}
	return claims.Item{
		ID: p.GetId(), SourceID: p.GetSourceId(), SourceName: p.GetSourceName(), Kind: kind, URL: p.GetUrl(),
		Title: p.GetTitle(), Text: p.GetText(), HTML: p.GetHtml(), Language: p.GetLanguage(), Localities: p.GetLocalities(),
		Published: timeOf(p.GetPublished()), Fetched: timeOf(p.GetFetched()), GUID: p.GetGuid(), Authors: p.GetAuthors(),
		ReporterRef: p.GetReporterRef(),
	}, nil
}

// EncodeItemClaims encodes the matcher's output for one item as its CLAIMS
// message (vigie.v1.ItemClaims).
func EncodeItemClaims(ic claims.ItemClaims) ([]byte, error) {
	kind, err := encodeSourceKind(ic.Kind)
	if err != nil {
		return nil, fmt.Errorf("encode claims of item %s: %w", ic.ItemID, err)
	}
	p := &vigiev1.ItemClaims{
		ItemId: ic.ItemID, SourceId: ic.SourceID, SourceName: ic.SourceName, ItemTitle: ic.ItemTitle, ItemUrl: ic.ItemURL,
		Language: ic.Language, Localities: ic.Localities, Published: timestamp(ic.Published),
		Analyzed: timestamp(ic.Analyzed), StoreRevision: ic.StoreRevision, Kind: kind, Fetched: timestamp(ic.Fetched),
		ReporterRef: ic.ReporterRef,
	}
	for _, c := range ic.Claims {
		pc, err := encodeClaim(c)
		if err != nil {
			return nil, fmt.Errorf("encode claims of item %s: %w", ic.ItemID, err)
		}
		p.Claims = append(p.Claims, pc)
	}
	b, err := marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode claims of item %s: %w", ic.ItemID, err)
	}
	return b, nil
}

// DecodeItemClaims decodes a CLAIMS message; one without an item id is an
// error. A claim's item id is the message's.
func DecodeItemClaims(data []byte) (claims.ItemClaims, error) {
	var p vigiev1.ItemClaims
	if err := proto.Unmarshal(data, &p); err != nil {
		return claims.ItemClaims{}, fmt.Errorf("decode item claims: %w", err)
	}
	if p.GetItemId() == "" {
		return claims.ItemClaims{}, fmt.Errorf("decode item claims: no item id")
	}
	kind, err := decodeSourceKind(p.GetKind())
	if err != nil {
		return claims.ItemClaims{}, fmt.Errorf("decode claims of item %s: %w", p.GetItemId(), err)
	}
	ic := claims.ItemClaims{
		ItemID: p.GetItemId(), SourceID: p.GetSourceId(), SourceName: p.GetSourceName(), Kind: kind,
		ItemTitle: p.GetItemTitle(), ItemURL: p.GetItemUrl(), Language: p.GetLanguage(), Localities: p.GetLocalities(),
		Published: timeOf(p.GetPublished()), Fetched: timeOf(p.GetFetched()), Analyzed: timeOf(p.GetAnalyzed()),
		ReporterRef: p.GetReporterRef(), StoreRevision: p.GetStoreRevision(),
	}
	for _, pc := range p.GetClaims() {
		c, err := decodeClaim(pc)
		if err != nil {
			return claims.ItemClaims{}, fmt.Errorf("decode claims of item %s: %w", ic.ItemID, err)
		}
		c.ItemID = ic.ItemID
		ic.Claims = append(ic.Claims, c)
	}
	return ic, nil
}

func encodeClaim(c claims.Claim) (*vigiev1.Claim, error) {
	pc := &vigiev1.Claim{
		Id: c.ID, Index: int32(c.Index), Text: c.Text, Language: c.Language, Worthiness: c.Worthiness,
		Flagged: c.Flagged, ClusterId: c.ClusterID, Fingerprint: c.Fingerprint, Cluster: encodeClusterCounts(c.Cluster),
		LowPriority: c.LowPriority, Paragraph: c.Paragraph,
	}
	for _, f := range c.Reasons {
		pc.Reasons = append(pc.Reasons, &vigiev1.Feature{Name: f.Name, Weight: f.Weight})
	}
	for _, m := range c.Matches {
		r, err := encodeRating(m.Rating)
		if err != nil {
			return nil, fmt.Errorf("claim %s: match %s: %w", c.ID, m.FactCheckID, err)
		}
		pm := &vigiev1.Match{
			FactcheckId: m.FactCheckID, Text: m.Text, Title: m.Title, Score: m.Score, Rating: r,
			TextualRating: m.TextualRating, Publisher: m.Publisher, Url: m.URL, Auto: m.Auto,
			Explanation: m.Explanation, SharedTerms: m.SharedTerms, SharedNumbers: m.SharedNumbers,
		}
		for _, d := range m.Disagreements {
			pm.Disagreements = append(pm.Disagreements, &vigiev1.Disagreement{Kind: string(d.Kind), Claim: d.Claim,
				Factcheck: d.FactCheck, Central: d.Central})
		}
		pc.Matches = append(pc.Matches, pm)
	}
	return pc, nil
}

func decodeClaim(pc *vigiev1.Claim) (claims.Claim, error) {
	c := claims.Claim{
		ID: pc.GetId(), Index: int(pc.GetIndex()), Text: pc.GetText(), Language: pc.GetLanguage(),
		Worthiness: pc.GetWorthiness(), Flagged: pc.GetFlagged(), ClusterID: pc.GetClusterId(), Fingerprint: pc.GetFingerprint(),
		Cluster:     decodeClusterCounts(pc.GetCluster()),
		LowPriority: pc.GetLowPriority(), Paragraph: pc.GetParagraph(),
	}
	for _, f := range pc.GetReasons() {
		c.Reasons = append(c.Reasons, claims.Feature{Name: f.GetName(), Weight: f.GetWeight()})
	}
	for _, m := range pc.GetMatches() {
		r, err := decodeRating(m.GetRating())
		if err != nil {
			return claims.Claim{}, fmt.Errorf("claim %s: match %s: %w", c.ID, m.GetFactcheckId(), err)
		}
		cm := claims.Match{
			FactCheckID: m.GetFactcheckId(), Text: m.GetText(), Title: m.GetTitle(), Score: m.GetScore(), Rating: r,
			TextualRating: m.GetTextualRating(), Publisher: m.GetPublisher(), URL: m.GetUrl(), Auto: m.GetAuto(),
			Explanation: m.GetExplanation(), SharedTerms: m.GetSharedTerms(), SharedNumbers: m.GetSharedNumbers(),
		}
		for _, d := range m.GetDisagreements() {
			cm.Disagreements = append(cm.Disagreements, claims.Disagreement{Kind: text.MentionKind(d.GetKind()),
				Claim: d.GetClaim(), FactCheck: d.GetFactcheck(), Central: d.GetCentral()})
		}
		c.Matches = append(c.Matches, cm)
	}
	return c, nil
}

// encodeClusterCounts is nil for a claim with no counts.
func encodeClusterCounts(c claims.ClusterCounts) *vigiev1.ClusterCounts {
	if c.Items == 0 && c.Sources == 0 && len(c.Recent) == 0 {
		return nil
	}
	p := &vigiev1.ClusterCounts{Items: int32(c.Items), Sources: int32(c.Sources), First: timestamp(c.First), Last: timestamp(c.Last)}
	for _, s := range c.Recent {
		p.Recent = append(p.Recent, &vigiev1.ClusterSighting{ItemId: s.ItemID, SourceId: s.SourceID, At: timestamp(s.At)})
	}
	return p
}

func decodeClusterCounts(p *vigiev1.ClusterCounts) claims.ClusterCounts {
	if p == nil {
		return claims.ClusterCounts{}
	}
	c := claims.ClusterCounts{Items: int(p.GetItems()), Sources: int(p.GetSources()), First: timeOf(p.GetFirst()), Last: timeOf(p.GetLast())}
	for _, s := range p.GetRecent() {
		c.Recent = append(c.Recent, claims.ClusterSighting{ItemID: s.GetItemId(), SourceID: s.GetSourceId(), At: timeOf(s.GetAt())})
	}
	return c
}

// timestamp is t as a protobuf timestamp; the zero time is unset.
func timestamp(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// timeOf is ts as a time in UTC; unset is the zero time.
func timeOf(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return ts.AsTime()
}
