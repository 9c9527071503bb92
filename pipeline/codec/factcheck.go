package codec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"vigie/claims"
)

// FactCheckRecord is the JSON of a fact-check in the vigie_factchecks bucket.
type FactCheckRecord struct {
	ID            string    `json:"id"`
	Text          string    `json:"text"`
	Title         string    `json:"title,omitempty"`
	Claimant      string    `json:"claimant,omitempty"`
	Rating        string    `json:"rating"`
	TextualRating string    `json:"textual_rating,omitempty"`
	Publisher     string    `json:"publisher,omitempty"`
	URL           string    `json:"url,omitempty"`
	Language      string    `json:"language,omitempty"`
	Localities    []string  `json:"localities,omitempty"`
	Date          time.Time `json:"date,omitzero"`
	// Version is the verdict version of a published verdict's record.
	Version int `json:"version,omitempty"`
}

// EncodeFactCheck encodes a fact-check for the bucket.
func EncodeFactCheck(fc claims.FactCheck) ([]byte, error) {
	b, err := json.Marshal(FactCheckRecord{
		ID: fc.ID, Text: fc.Text, Title: fc.Title, Claimant: fc.Claimant, Rating: string(fc.Rating),
		TextualRating: fc.TextualRating, Publisher: fc.Publisher, URL: fc.URL, Language: fc.Language,
		Localities: fc.Localities, Date: fc.Date, Version: fc.Version,
	})
	if err != nil {
		return nil, fmt.Errorf("encode fact-check %q: %w", fc.ID, err)
	}
	return b, nil
}

// DecodeFactCheck decodes a fact-check of the bucket; a rating outside the
// normalised scale becomes unknown.
func DecodeFactCheck(data []byte) (claims.FactCheck, error) {
	var r FactCheckRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return claims.FactCheck{}, fmt.Errorf("decode fact-check: %w", err)
	}
	if r.ID == "" || r.Text == "" {
		return claims.FactCheck{}, fmt.Errorf("decode fact-check: id and text are required")
	}
	rating := claims.Rating(r.Rating).OrUnknown()
	return claims.FactCheck{
		ID: r.ID, Text: r.Text, Title: r.Title, Claimant: r.Claimant, Rating: rating, TextualRating: r.TextualRating,
		Publisher: r.Publisher, URL: r.URL, Language: r.Language, Localities: r.Localities, Date: r.Date,
		Version: r.Version,
	}, nil
}

// FactCheckKey is the bucket key of a fact-check id under a prefix
// ("import", "verdict"): ids may hold any character, keys may not.
func FactCheckKey(prefix, id string) string {
	h := sha256.Sum256([]byte(id))
	return prefix + "." + hex.EncodeToString(h[:16])
}
