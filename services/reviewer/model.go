package reviewer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"vigie/pipeline/httpapi"
	"vigie/pipeline/matchermodel"
)

// ModelView is the matcher's model as the admin page and API show it:
// where it comes from, who chose it when, and the choice it replaced.
type ModelView struct {
	Source   string     `json:"source"`
	Shipped  bool       `json:"shipped"`
	By       string     `json:"by,omitempty"`
	At       time.Time  `json:"at,omitzero"`
	Previous *ModelView `json:"previous,omitempty"`
}

func modelView(s matchermodel.Setting) ModelView {
	v := ModelView{Source: s.Source, Shipped: s.IsShipped(), By: s.By, At: s.At}
	if s.Previous != nil {
		p := modelView(*s.Previous)
		v.Previous = &p
	}
	return v
}

// ModelRequest is the body of POST /api/v1/matcher/model: Use "shipped" or
// "previous", or a model file's Source name and its content (JSON, as
// `vigie train matcher --out` writes it). A form sends use only.
type ModelRequest struct {
	Use    string          `json:"use,omitempty"`
	Source string          `json:"source,omitempty"`
	Model  json.RawMessage `json:"model,omitempty"`
}

// matcherModel returns the model in use, nil when this process does not
// know the setting.
func (s *Server) matcherModel(ctx context.Context) (*ModelView, error) {
	if s.deps.MatcherModel == nil {
		return nil, nil
	}
	cur, err := s.deps.MatcherModel.Current(ctx)
	if err != nil {
		return nil, err
	}
	v := modelView(cur)
	return &v, nil
}

func (s *Server) apiMatcherModel(w http.ResponseWriter, r *http.Request) {
	v, err := s.matcherModel(r.Context())
	if err == nil && v == nil {
		err = fmt.Errorf("matcher model: %w", errUnavailable)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, v)
}

// actMatcherModel switches the matchers' model (admins): to the shipped
// one, back to the previous choice, or to a model file's content.
func (s *Server) actMatcherModel(w http.ResponseWriter, r *http.Request) {
	st := s.deps.MatcherModel
	if st == nil {
		s.writeError(w, r, fmt.Errorf("matcher model: %w", errUnavailable))
		return
	}
	var req ModelRequest
	r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
	if isForm(r) {
		if err := r.ParseForm(); err != nil {
			s.writeError(w, r, badRequest("read form: "+err.Error()))
			return
		}
		req.Use = r.PostForm.Get("use")
	} else {
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil && !errors.Is(err, io.EOF) {
			s.writeError(w, r, badRequest("read request body: "+err.Error()))
			return
		}
	}
	by := principal(r).User
	var set matchermodel.Setting
	var err error
	switch {
	case req.Use == matchermodel.Shipped:
		set, err = st.UseShipped(r.Context(), by)
	case req.Use == "previous":
		set, err = st.Revert(r.Context(), by)
	case req.Use == "" && len(req.Model) > 0:
		set, err = st.Use(r.Context(), req.Source, req.Model, by)
	default:
		err = badRequest(`want "use": "shipped" or "previous", or a model file's "source" and "model"`)
	}
	if errors.Is(err, matchermodel.ErrInvalid) {
		err = badRequest(err.Error())
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if isForm(r) {
		http.Redirect(w, r, "/admin", http.StatusSeeOther)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, modelView(set))
}
