package claimdoc

import (
	"slices"
	"time"

	"vigie/claims"
	"vigie/pipeline/index"
)

// SchemaVersion is bumped whenever documents are built differently; a
// change triggers a rebuild of the index from the log.
const SchemaVersion = 4

// Claim is one claim document; its JSON is a hit of GET /api/v1/claims.
type Claim struct {
	ID         string   `json:"id"`
	Text       string   `json:"text"`
	ItemID     string   `json:"item_id"`
	ItemTitle  string   `json:"item_title"`
	ItemURL    string   `json:"item_url"`
	Source     string   `json:"source"`
	SourceName string   `json:"source_name"`
	Language   string   `json:"language"`
	Localities []string `json:"localities"`
	Worthiness float64  `json:"worthiness"`
	// Reasons are the top contributions to the worthiness score.
	Reasons []claims.Feature `json:"reasons"`
	// Matches are the fact-checks the claim repeats, best first.
	// Each match carries its judgement (null when nobody judged it).
	Matches []claims.Match `json:"matches"`
	// Flagged: a confirmed match rated false, mostly false or misleading,
	// or a match the engine flags that nobody rejected (claims.Match.Flags).
	Flagged bool `json:"flagged"`
	// Confirmed: a person confirmed a match; ConfirmedRating is the
	// fact-check's rating the claim takes from it (the latest confirmed).
	Confirmed       bool          `json:"confirmed"`
	ConfirmedRating claims.Rating `json:"confirmed_rating,omitempty"`
	// LowPriority: kept although under the check-worthiness threshold and
	// unmatched (the low-priority view).
	LowPriority bool `json:"low_priority"`
	// Paragraph is the sentence's surrounding paragraph in its item.
	Paragraph string              `json:"paragraph,omitempty"`
	Status    claims.ReviewStatus `json:"status"`
	Assignee  string              `json:"assignee,omitempty"`
	// ReporterRef points at a tipster's identity (shown only to roles that need it).
	ReporterRef string `json:"reporter_ref,omitempty"`
	ClusterID   string `json:"cluster_id,omitempty"`
	// ClusterItems, ClusterSources, ClusterFirst and ClusterLast are the
	// counts of the claim's cluster when the claim was detected (items
	// repeating it, distinct sources, first and last seen); the cluster's
	// claims in the index give today's.
	ClusterItems   int       `json:"cluster_items,omitempty"`
	ClusterSources int       `json:"cluster_sources,omitempty"`
	ClusterFirst   time.Time `json:"cluster_first,omitzero"`
	ClusterLast    time.Time `json:"cluster_last,omitzero"`
	Published      time.Time `json:"published,omitzero"`
	Detected       time.Time `json:"detected"`
	TopScore       float64   `json:"top_score"`
}

// Settings are the index settings of the claims index.
func Settings() index.Settings {
	kw := func(name string) index.Field {
		return index.Field{Name: name, Type: index.Keyword, Filterable: true, Facetable: true}
	}
	return index.Settings{
		SchemaVersion: SchemaVersion,
		Fields: []index.Field{
			{Name: "text", Type: index.Text, Searchable: true},
			{Name: "item_title", Type: index.Text, Searchable: true},
			kw("item_id"),
			// The canonical link: the same article reached through two
			// sources has one item_url, so its claims can be found together.
			kw("item_url"),
			kw("source"),
			kw("language"),
			kw("localities"),
			kw("status"),
			kw("assignee"),
			kw("cluster_id"),
			{Name: "cluster_items", Type: index.Number, Filterable: true, Sortable: true},
			{Name: "cluster_sources", Type: index.Number, Filterable: true, Sortable: true},
			kw("confirmed_rating"),
			{Name: "flagged", Type: index.Bool, Filterable: true, Facetable: true, Sortable: true},
			{Name: "confirmed", Type: index.Bool, Filterable: true, Facetable: true, Sortable: true},
			{Name: "low_priority", Type: index.Bool, Filterable: true, Facetable: true},
			{Name: "worthiness", Type: index.Number, Filterable: true, Sortable: true},
			{Name: "top_score", Type: index.Number, Filterable: true, Sortable: true},
			{Name: "published", Type: index.Time, Filterable: true, Sortable: true},
			{Name: "detected", Type: index.Time, Filterable: true, Sortable: true},
		},
	}
}

// Review is the part of a claim's review state the document shows.
type Review struct {
	Status   claims.ReviewStatus
	Assignee string
	// Judgements are the claim's judged matches (its review state's).
	Judgements []claims.JudgedMatch
}

// ReviewOf is the part of a review state the document shows.
func ReviewOf(st claims.ReviewState) Review {
	return Review{Status: st.Status, Assignee: st.Assignee, Judgements: st.Judgements}
}

// New returns the document of claim c of ic with its review state r (a zero
// Review is a claim nobody acted on: status new).
func New(ic claims.ItemClaims, c claims.Claim, r Review) Claim {
	d := Claim{
		ID: c.ID, Text: c.Text, ItemID: ic.ItemID, ItemTitle: ic.ItemTitle, ItemURL: ic.ItemURL, Source: ic.SourceID,
		SourceName: ic.SourceName, Language: c.Language, Localities: ic.Localities, Worthiness: c.Worthiness,
		Reasons: c.Reasons, Matches: c.Matches, Flagged: c.Flagged, LowPriority: c.LowPriority, Paragraph: c.Paragraph,
		ReporterRef: ic.ReporterRef, ClusterID: c.ClusterID, Published: ic.Published.UTC(), Detected: ic.Analyzed.UTC(),
		ClusterItems: c.Cluster.Items, ClusterSources: c.Cluster.Sources, ClusterFirst: c.Cluster.First.UTC(),
		ClusterLast: c.Cluster.Last.UTC(),
	}
	if d.Language == "" {
		d.Language = ic.Language
	}
	for _, m := range c.Matches {
		d.TopScore = max(d.TopScore, m.Score)
	}
	return d.WithReview(r)
}

// WithReview returns c with the review state r: its status and assignee,
// each match's judgement, and what the judgements decide (confirmed, the
// confirmed rating, flagged). Without any judgement, flagged stays the
// engine's.
func (c Claim) WithReview(r Review) Claim {
	c.Status, c.Assignee = r.Status, r.Assignee
	if c.Status == "" {
		c.Status = claims.StatusNew
	}
	c.Matches = slices.Clone(c.Matches)
	judged := len(r.Judgements) > 0
	var latest time.Time
	c.Confirmed, c.ConfirmedRating = false, ""
	for i := range c.Matches {
		m := &c.Matches[i]
		m.Judgement, m.JudgedBy, m.JudgedAt = nil, "", time.Time{}
		for _, j := range r.Judgements {
			if j.FactCheckID != m.FactCheckID {
				continue
			}
			jj := j.Judgement
			m.Judgement, m.JudgedBy, m.JudgedAt = &jj, j.By, j.At
			if jj == claims.JudgementConfirmed {
				c.Confirmed = true
				if !j.At.Before(latest) {
					latest, c.ConfirmedRating = j.At, m.Rating
				}
			}
		}
	}
	for _, j := range r.Judgements {
		// confirmed even when a later analysis no longer suggests the match
		c.Confirmed = c.Confirmed || j.Judgement == claims.JudgementConfirmed
	}
	if judged {
		c.Flagged = false
		for _, m := range c.Matches {
			c.Flagged = c.Flagged || m.Flags()
		}
	}
	return c.nonNil()
}

// Judged returns the judgements the document's matches carry (without
// their notes): what WithReview applied last.
func (c Claim) Judged() []claims.JudgedMatch {
	var out []claims.JudgedMatch
	for _, m := range c.Matches {
		if m.Judgement != nil {
			out = append(out, claims.JudgedMatch{FactCheckID: m.FactCheckID, Judgement: *m.Judgement, By: m.JudgedBy, At: m.JudgedAt})
		}
	}
	return out
}

// Docs builds the documents of the claims of one item. review gives the
// current review state of a claim id.
func Docs(ic claims.ItemClaims, review func(claimID string) Review) []index.Document {
	docs := make([]index.Document, 0, len(ic.Claims))
	for _, c := range ic.Claims {
		var r Review
		if review != nil {
			r = review(c.ID)
		}
		docs = append(docs, New(ic, c, r).Document())
	}
	return docs
}

// Document returns c as an index document: the fields of its JSON, with
// the values the index takes (strings, lists of strings, numbers, booleans,
// times; reasons and matches are stored, not indexed).
func (c Claim) Document() index.Document {
	c = c.nonNil()
	d := index.Document{
		"id": c.ID, "text": c.Text, "item_id": c.ItemID, "item_title": c.ItemTitle, "item_url": c.ItemURL,
		"source": c.Source, "source_name": c.SourceName, "language": c.Language, "localities": c.Localities,
		"worthiness": c.Worthiness, "reasons": c.Reasons, "matches": c.Matches, "flagged": c.Flagged,
		"status": string(c.Status), "detected": c.Detected, "top_score": c.TopScore, "confirmed": c.Confirmed,
		"low_priority": c.LowPriority,
	}
	for k, v := range map[string]string{"assignee": c.Assignee, "reporter_ref": c.ReporterRef, "cluster_id": c.ClusterID,
		"confirmed_rating": string(c.ConfirmedRating), "paragraph": c.Paragraph} {
		if v != "" {
			d[k] = v
		}
	}
	if !c.Published.IsZero() {
		d["published"] = c.Published
	}
	if c.ClusterItems > 0 {
		d["cluster_items"], d["cluster_sources"] = c.ClusterItems, c.ClusterSources
	}
	if !c.ClusterFirst.IsZero() {
		d["cluster_first"], d["cluster_last"] = c.ClusterFirst, c.ClusterLast
	}
	return d
}

// FromDocument decodes an index document.
func FromDocument(d index.Document) (Claim, error) {
	var c Claim
	err := d.Decode(&c)
	return c.nonNil(), err
}

// nonNil returns c with empty lists rather than nil ones, so that its JSON
// holds [] rather than null.
func (c Claim) nonNil() Claim {
	if c.Reasons == nil {
		c.Reasons = []claims.Feature{}
	}
	if c.Matches == nil {
		c.Matches = []claims.Match{}
	}
	if c.Localities == nil {
		c.Localities = []string{}
	}
	return c
}
