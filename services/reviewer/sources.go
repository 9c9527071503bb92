package reviewer

import (
	"fmt"
	"net/http"
	"time"

	"vigie/pipeline/httpapi"
)

// SourceView is one source in GET /api/v1/sources.
type SourceView struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Kind       string    `json:"kind"`
	URL        string    `json:"url"`
	Language   string    `json:"language,omitempty"`
	Localities []string  `json:"localities"`
	Interval   string    `json:"interval"`
	Origin     string    `json:"origin"`
	Status     string    `json:"status"`
	LastError  string    `json:"last_error"`
	ErrorKind  string    `json:"error_kind,omitempty"`
	LastFetch  time.Time `json:"last_fetch,omitzero"`
	NextFetch  time.Time `json:"next_fetch,omitzero"`
	Failures   int       `json:"failures"`
	Items      int64     `json:"items"`
}

func (s *Server) apiSources(w http.ResponseWriter, r *http.Request) {
	if s.sources == nil {
		s.writeError(w, r, fmt.Errorf("sources: %w", errUnavailable))
		return
	}
	srcs, err := s.sources.List(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]SourceView, 0, len(srcs))
	for _, src := range srcs {
		st, _, err := s.sources.State(r.Context(), src.ID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		loc := src.Localities
		if loc == nil {
			loc = []string{}
		}
		out = append(out, SourceView{
			ID: src.ID, Name: src.Name, Kind: src.Kind, URL: src.URL, Language: src.Language, Localities: loc,
			Interval: src.Interval.String(), Origin: src.Origin, Status: st.Status, LastError: st.LastError, ErrorKind: st.ErrorKind,
			LastFetch: st.LastFetch, NextFetch: st.NextFetch, Failures: st.Failures, Items: st.Items,
		})
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"sources": out})
}
