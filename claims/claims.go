package claims

import "time"

// Item is one ingested piece of text (article, post, tip).
type Item struct {
	ID, SourceID, Title, Text, URL, Language string
	Localities                               []string
	Published                                time.Time
}

// FactCheck is a previously fact-checked claim.
type FactCheck struct {
	ID, Text, Title, Claimant, Publisher, URL, Language string
	Rating                                              Rating
	TextualRating                                       string
	Date                                                time.Time
	Localities                                          []string
}

// Feature is one contribution to a score, for the UI ("number", +0.21).
type Feature struct {
	Name   string
	Weight float64
}

// Match links a claim to a fact-check.
type Match struct {
	FactCheckID, Text, Title string
	Score                    float64 // calibrated probability in [0,1]
	Rating                   Rating
	TextualRating, Publisher string
	URL                      string
	Auto                     bool // Score >= AutoThreshold and the claim is long enough for an automatic match
	Explanation              string
	SharedTerms              []string
	SharedNumbers            []string
	// Disagreements lists the figures, dates and persons the claim and the
	// fact-check both name with no value in common (see Decisive).
	Disagreements []Disagreement
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
}
