package claims

import "time"

// Item is one ingested piece of text (article, post, tip), as published on
// ITEMS. The engine reads ID, Title, Text, Language (and Localities,
// Published); the rest travels with it.
type Item struct {
	// ID is stable: a hash of the source id and the entry's guid (or
	// canonical link when there is no guid).
	ID string
	// SourceID is the source's immutable slug; SourceName its name at
	// ingestion time.
	SourceID, SourceName string
	// Kind is the kind of source.
	Kind SourceKind
	// URL is the canonical link to the original, when there is one.
	URL string
	// Title and Text are plain text; HTML is the sanitized HTML for display.
	Title, Text, HTML string
	// Language is the primary language subtag ("pt"), "" when unknown.
	Language string
	// Localities are municipality codes (FR-75056, …).
	Localities []string
	// Published is when the source says it was published (zero: unknown);
	// Fetched is when Vigie fetched it.
	Published, Fetched time.Time
	// GUID is the entry's own identifier in its source, when it has one.
	GUID string
	// Authors are the names or handles the source gives.
	Authors []string
	// ReporterRef points at a tipster's identity, kept outside the streams
	// (an erasable KV entry); empty unless the item is a tip.
	ReporterRef string
}

// FactCheck is a previously fact-checked claim: imported from a
// fact-checker, or one of the newsroom's published verdicts.
type FactCheck struct {
	ID, Text, Title, Claimant, Publisher, URL, Language string
	Rating                                              Rating
	TextualRating                                       string
	Date                                                time.Time
	Localities                                          []string
	// Version is the version of the newsroom's verdict the fact-check
	// reflects; 0 for an imported one.
	Version int
}

// Feature is one contribution to a score, for the UI ("number", +0.21). Its
// JSON is the claim document's (pipeline/claimdoc, GET /api/v1/claims).
type Feature struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
}

// Match links a claim to a fact-check. Its JSON is the claim document's
// (pipeline/claimdoc, GET /api/v1/claims), where "id" is the fact-check's.
type Match struct {
	FactCheckID string `json:"id"`
	Text        string `json:"text"`
	Title       string `json:"title,omitempty"`
	// Score is a calibrated probability in [0,1].
	Score         float64 `json:"score"`
	Rating        Rating  `json:"rating"`
	TextualRating string  `json:"textual_rating,omitempty"`
	Publisher     string  `json:"publisher,omitempty"`
	URL           string  `json:"url,omitempty"`
	// Auto is Score >= AutoThreshold with a claim long enough for an
	// automatic match.
	Auto          bool     `json:"auto"`
	Explanation   string   `json:"explanation,omitempty"`
	SharedTerms   []string `json:"shared_terms,omitempty"`
	SharedNumbers []string `json:"shared_numbers,omitempty"`
	// Disagreements lists the figures, dates and persons the claim and the
	// fact-check both name with no value in common (see Decisive), for the
	// review screen to highlight.
	Disagreements []Disagreement `json:"disagreements,omitempty"`
	// Judgement, JudgedBy and JudgedAt are a person's judgement of the
	// match, from the claim's review state: set by the claim document
	// (pipeline/claimdoc), never by the engine, not carried on CLAIMS.
	Judgement *MatchJudgement `json:"judgement"`
	JudgedBy  string          `json:"judged_by,omitempty"`
	JudgedAt  time.Time       `json:"judged_at,omitzero"`
}

// Flags reports whether the match flags its claim as a person judged it:
// a confirmed match rated false, mostly false or misleading does; a
// rejected one never does; an unjudged one does when the engine would (so
// rated, without a decisive disagreement).
func (m Match) Flags() bool {
	switch {
	case m.Judgement == nil:
		return m.Rating.Flagged() && !m.Decisive()
	case *m.Judgement == JudgementConfirmed:
		return m.Rating.Flagged()
	default:
		return false
	}
}

// Claim is one check-worthy (or matched) sentence of an item.
type Claim struct {
	ID, ItemID  string
	Index       int // sentence index in the item
	Text        string
	Language    string
	Worthiness  float64 // [0,1]
	Reasons     []Feature
	Matches     []Match
	Flagged     bool
	Fingerprint uint64 // SimHash near-duplicate signature for clustering
	// LowPriority marks a sentence kept although it is neither check-worthy
	// (Worthiness under the threshold) nor matched: it could be a claim
	// (CouldBeClaim), for a low-priority view (Config.KeepLowPriority).
	LowPriority bool
	// Paragraph is the sentence's surrounding paragraph in its item, for
	// the review screen (set by the matcher, after Analyze; see ParagraphOf).
	Paragraph string
	// ClusterID groups claims that state the same claim across items
	// (Clusterer; set by the matcher after Analyze).
	ClusterID string
	// Cluster are the counts of the cluster once this claim's item was
	// counted (set by the matcher with ClusterID).
	Cluster ClusterCounts
}

// ItemClaims is the matcher's output for one item, as published on CLAIMS:
// what the index, the alerter and the review screen need of the item, and
// its claims in sentence order (possibly none).
type ItemClaims struct {
	ItemID, SourceID, SourceName string
	Kind                         SourceKind
	ItemTitle, ItemURL           string
	// Language is the item's language, else the first claim's.
	Language   string
	Localities []string
	// Published is the item's publication time (zero: unknown), Fetched
	// when it was fetched, Analyzed when the matcher produced this.
	Published, Fetched, Analyzed time.Time
	ReporterRef                  string
	// StoreRevision is the fact-check store revision the matcher used.
	StoreRevision uint64
	Claims        []Claim
}

// NewItemClaims returns the output of analysing it into cs at analyzed.
func NewItemClaims(it Item, cs []Claim, analyzed time.Time) ItemClaims {
	out := ItemClaims{
		ItemID: it.ID, SourceID: it.SourceID, SourceName: it.SourceName, Kind: it.Kind, ItemTitle: it.Title,
		ItemURL: it.URL, Language: it.Language, Localities: it.Localities, Published: it.Published,
		Fetched: it.Fetched, Analyzed: analyzed, ReporterRef: it.ReporterRef, Claims: cs,
	}
	for _, c := range cs {
		if out.Language == "" && c.Language != "" {
			out.Language = c.Language
		}
	}
	return out
}
