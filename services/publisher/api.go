package publisher

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/publish"
	"vigie/pipeline/review"
)

// PublicVerdict is a published verdict in the public JSON API. The API
// grows by adding fields, never by changing one.
type PublicVerdict struct {
	ID            string        `json:"id"`
	URL           string        `json:"url"`
	ShortPath     string        `json:"short_path"`
	Version       int           `json:"version"`
	Title         string        `json:"title"`
	ClaimReviewed string        `json:"claim_reviewed"`
	Rating        claims.Rating `json:"rating"`
	TextualRating string        `json:"textual_rating"`
	Summary       string        `json:"summary"`
	Claimant      string        `json:"claimant,omitempty"`
	Sources       []string      `json:"sources"`
	Appearances   []string      `json:"appearances"`
	Localities    []string      `json:"localities"`
	Language      string        `json:"language"`
	Publisher     string        `json:"publisher"`
	// Published is when version 1 was published; Updated when the
	// current version was (or the retraction made).
	Published      time.Time           `json:"published"`
	Updated        time.Time           `json:"updated"`
	Corrections    []claims.Correction `json:"corrections"`
	Retracted      bool                `json:"retracted"`
	RetractedAt    time.Time           `json:"retracted_at,omitzero"`
	RetractionNote string              `json:"retraction_note,omitempty"`
}

// publicVerdict converts a published record for the API.
func publicVerdict(v published) PublicVerdict {
	nz := func(xs []string) []string {
		if xs == nil {
			return []string{}
		}
		return xs
	}
	out := PublicVerdict{
		ID: v.rec.ID, URL: v.pub.URL, ShortPath: "/v/" + v.rec.ID, Version: v.rec.Version, Title: title(v.rec),
		ClaimReviewed: v.rec.ClaimReviewed, Rating: v.pub.Rating, TextualRating: v.rec.TextualRating,
		Summary: v.rec.Summary, Claimant: v.rec.Claimant, Sources: nz(v.rec.Sources), Appearances: nz(v.rec.Appearances),
		Localities: nz(v.rec.Localities), Language: v.rec.Language, Publisher: v.pub.Publisher.Name,
		Published: v.pub.Published, Updated: v.pub.Modified, Corrections: v.rec.Corrections,
		Retracted: v.rec.Retracted, RetractedAt: v.rec.RetractedAt, RetractionNote: v.rec.RetractionNote,
	}
	if out.TextualRating == "" {
		out.TextualRating = v.pub.Rating.Label()
	}
	if out.Corrections == nil {
		out.Corrections = []claims.Correction{}
	}
	return out
}

// maxAPILimit bounds ?limit= of the list.
const maxAPILimit = 500

// serveAPIList answers GET /api/v1/verdicts/public: the published
// verdicts that pass the filter, newest first, at most ?limit= (100).
func (s *Service) serveAPIList(w http.ResponseWriter, r *http.Request) {
	f, err := ParseFilter(r.URL.Query())
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	limit := 100
	if raw := r.URL.Query().Get("limit"); raw != "" {
		if limit, err = strconv.Atoi(raw); err != nil || limit < 1 || limit > maxAPILimit {
			s.failJSON(w, r, fmt.Errorf("limit %q: want 1 to %d: %w", raw, maxAPILimit, httpapi.ErrBadRequest))
			return
		}
	}
	vs, err := s.publicVerdicts(r.Context())
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	out := []PublicVerdict{}
	var modified time.Time
	for _, v := range vs {
		if !f.Match(v.pub) {
			continue
		}
		if v.pub.Modified.After(modified) {
			modified = v.pub.Modified
		}
		if len(out) < limit {
			out = append(out, publicVerdict(v))
		}
	}
	s.writeJSON(w, r, map[string]any{"verdicts": out}, modified)
}

// serveAPIVerdict answers GET /api/v1/verdicts/public/{id}.
func (s *Service) serveAPIVerdict(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !validID(id) {
		s.failJSON(w, r, fmt.Errorf("verdict %q: %w", id, review.ErrNotFound))
		return
	}
	v, err := s.src.Verdict(r.Context(), id)
	if err == nil && !isPublic(v) {
		err = fmt.Errorf("verdict %q: %w", id, review.ErrNotFound)
	}
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	p := published{rec: v, pub: s.toPublish(r.Context(), v)}
	s.writeJSON(w, r, publicVerdict(p), p.pub.Modified)
}

// writeJSON answers with a JSON body, its validators and 304s.
func (s *Service) writeJSON(w http.ResponseWriter, r *http.Request, v any, modified time.Time) {
	body, err := json.Marshal(v)
	if err != nil {
		s.failJSON(w, r, fmt.Errorf("encode verdicts: %w", err))
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Access-Control-Allow-Origin", "*") // public data, no credentials
	publish.ServeFeed(w, r, httpapi.ContentTypeJSON, body, modified)
}

// failJSON answers with the status of err and {"error": message}.
func (s *Service) failJSON(w http.ResponseWriter, r *http.Request, err error) {
	p := problem(err)
	if p.Status >= 500 {
		s.log.Warn("public api request failed", zap.String("path", r.URL.Path), zap.Error(err))
	}
	httpapi.WriteProblem(w, p)
}
