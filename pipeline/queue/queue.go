package queue

import (
	"encoding/json"
	"fmt"
	"time"

	"vigie/claims"
	"vigie/pipeline/index"
)

// SchemaVersion is bumped whenever documents are built differently; a
// change triggers a rebuild of the index from the log.
const SchemaVersion = 2

// Status values of a claim in the queue.
const (
	StatusNew = "new"
)

// Match is a fact-check a claim repeats, as shown in the queue.
type Match struct {
	ID            string   `json:"id"`
	Text          string   `json:"text"`
	Title         string   `json:"title,omitempty"`
	Score         float64  `json:"score"`
	Rating        string   `json:"rating"`
	TextualRating string   `json:"textual_rating,omitempty"`
	Publisher     string   `json:"publisher,omitempty"`
	URL           string   `json:"url,omitempty"`
	Auto          bool     `json:"auto"`
	Explanation   string   `json:"explanation,omitempty"`
	SharedTerms   []string `json:"shared_terms,omitempty"`
	SharedNumbers []string `json:"shared_numbers,omitempty"`
}

// Reason is one contribution to the worthiness score.
type Reason struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
}

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
	Reasons    []Reason `json:"reasons"`
	Matches    []Match  `json:"matches"`
	Flagged    bool     `json:"flagged"`
	Status     string   `json:"status"`
	Assignee   string   `json:"assignee,omitempty"`
	// ReporterRef points at a tipster's identity (shown only to roles that need it).
	ReporterRef string    `json:"reporter_ref,omitempty"`
	ClusterID   string    `json:"cluster_id,omitempty"`
	Published   time.Time `json:"published,omitzero"`
	Detected    time.Time `json:"detected"`
	TopScore    float64   `json:"top_score"`
}

// Settings are the index settings of the queue.
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
			{Name: "flagged", Type: index.Bool, Filterable: true, Facetable: true, Sortable: true},
			{Name: "worthiness", Type: index.Number, Filterable: true, Sortable: true},
			{Name: "top_score", Type: index.Number, Filterable: true, Sortable: true},
			{Name: "published", Type: index.Time, Filterable: true, Sortable: true},
			{Name: "detected", Type: index.Time, Filterable: true, Sortable: true},
		},
	}
}

// Review is the part of a claim's review state the queue shows.
type Review struct {
	Status, Assignee string
}

// Docs builds the documents of the claims of one item. review gives the
// current review state of a claim id (a zero Review keeps StatusNew).
func Docs(ic claims.ItemClaims, review func(claimID string) Review) ([]index.Document, error) {
	docs := make([]index.Document, 0, len(ic.Claims))
	for _, c := range ic.Claims {
		d := Claim{
			ID:          c.ID,
			Text:        c.Text,
			ItemID:      ic.ItemID,
			ItemTitle:   ic.ItemTitle,
			ItemURL:     ic.ItemURL,
			Source:      ic.SourceID,
			SourceName:  ic.SourceName,
			Language:    firstNonEmpty(c.Language, ic.Language),
			Localities:  nonNil(ic.Localities),
			Worthiness:  c.Worthiness,
			Flagged:     c.Flagged,
			Status:      StatusNew,
			ClusterID:   c.ClusterID,
			ReporterRef: ic.ReporterRef,
			Detected:    ic.Analyzed.UTC(),
			Published:   ic.Published.UTC(),
			Reasons:     []Reason{},
			Matches:     []Match{},
		}
		if review != nil {
			r := review(d.ID)
			if r.Status != "" {
				d.Status = r.Status
			}
			d.Assignee = r.Assignee
		}
		for _, r := range c.Reasons {
			d.Reasons = append(d.Reasons, Reason{Name: r.Name, Weight: r.Weight})
		}
		for _, m := range c.Matches {
			d.Matches = append(d.Matches, Match{
				ID: m.FactCheckID, Text: m.Text, Title: m.Title, Score: m.Score,
				Rating: string(m.Rating), TextualRating: m.TextualRating, Publisher: m.Publisher,
				URL: m.URL, Auto: m.Auto, Explanation: m.Explanation,
				SharedTerms: m.SharedTerms, SharedNumbers: m.SharedNumbers,
			})
			d.TopScore = max(d.TopScore, m.Score)
		}
		doc, err := ToDocument(d)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	return docs, nil
}

// ToDocument encodes a claim as an index document.
func ToDocument(c Claim) (index.Document, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode claim %s: %w", c.ID, err)
	}
	var d index.Document
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("encode claim %s: %w", c.ID, err)
	}
	return d, nil
}

// FromDocument decodes an index document.
func FromDocument(d index.Document) (Claim, error) {
	var c Claim
	err := d.Decode(&c)
	if c.Reasons == nil {
		c.Reasons = []Reason{}
	}
	if c.Matches == nil {
		c.Matches = []Match{}
	}
	if c.Localities == nil {
		c.Localities = []string{}
	}
	return c, err
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
