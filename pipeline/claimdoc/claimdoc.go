package claimdoc

import (
	"time"

	"vigie/claims"
	"vigie/pipeline/index"
)

// SchemaVersion is bumped whenever documents are built differently; a
// change triggers a rebuild of the index from the log.
const SchemaVersion = 3

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
	Matches  []claims.Match      `json:"matches"`
	Flagged  bool                `json:"flagged"`
	Status   claims.ReviewStatus `json:"status"`
	Assignee string              `json:"assignee,omitempty"`
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
			{Name: "flagged", Type: index.Bool, Filterable: true, Facetable: true, Sortable: true},
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
}

// New returns the document of claim c of ic with its review state r (a zero
// Review is a claim nobody acted on: status new).
func New(ic claims.ItemClaims, c claims.Claim, r Review) Claim {
	d := Claim{
		ID: c.ID, Text: c.Text, ItemID: ic.ItemID, ItemTitle: ic.ItemTitle, ItemURL: ic.ItemURL, Source: ic.SourceID,
		SourceName: ic.SourceName, Language: c.Language, Localities: ic.Localities, Worthiness: c.Worthiness,
		Reasons: c.Reasons, Matches: c.Matches, Flagged: c.Flagged, Status: r.Status, Assignee: r.Assignee,
		ReporterRef: ic.ReporterRef, ClusterID: c.ClusterID, Published: ic.Published.UTC(), Detected: ic.Analyzed.UTC(),
		ClusterItems: c.Cluster.Items, ClusterSources: c.Cluster.Sources, ClusterFirst: c.Cluster.First.UTC(),
		ClusterLast: c.Cluster.Last.UTC(),
	}
	if d.Language == "" {
		d.Language = ic.Language
	}
	if d.Status == "" {
		d.Status = claims.StatusNew
	}
	for _, m := range c.Matches {
		d.TopScore = max(d.TopScore, m.Score)
	}
	return d.nonNil()
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
		"status": string(c.Status), "detected": c.Detected, "top_score": c.TopScore,
	}
	for k, v := range map[string]string{"assignee": c.Assignee, "reporter_ref": c.ReporterRef, "cluster_id": c.ClusterID} {
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
