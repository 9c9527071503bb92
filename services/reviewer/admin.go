package reviewer

import (
	"net/http"
	"time"

	"vigie/pipeline/account"
	"vigie/pipeline/httpapi"
)

// UserRequest is the body of POST /api/v1/users and PUT /api/v1/users/{name};
// on PUT, empty fields keep their value and Password is not read.
type UserRequest struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Locality string `json:"locality,omitempty"`
	Language string `json:"language,omitempty"`
	Password string `json:"password,omitempty"`
}

// TokenRequest is the body of POST /api/v1/tokens.
type TokenRequest struct {
	User  string `json:"user"`
	Name  string `json:"name"`
	Scope string `json:"scope"`
}

// TokenView is a token as listed: never the token nor its hash.
type TokenView struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	User     string    `json:"user"`
	Scope    string    `json:"scope"`
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"last_used,omitzero"`
}

func tokenView(t account.Token) TokenView {
	return TokenView{ID: t.ID, Name: t.Name, User: t.User, Scope: t.Scope, Created: t.Created, LastUsed: t.LastUsed}
}

// withAccounts runs fn with the account store, or answers 503.
func (s *Server) withAccounts(fn func(w http.ResponseWriter, r *http.Request, st *account.Store)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st, err := s.accounts()
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		fn(w, r, st)
	}
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request, st *account.Store) {
	us, err := st.Users(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if us == nil {
		us = []account.User{}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"users": us})
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request, st *account.Store) {
	var req UserRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := st.CreateUser(r.Context(), account.NewUser{Name: req.Name, Role: req.Role, Locality: req.Locality,
		Language: req.Language, Password: req.Password})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, u)
}

func (s *Server) apiUser(w http.ResponseWriter, r *http.Request, st *account.Store) {
	u, err := st.User(r.Context(), r.PathValue("name"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, u)
}

// apiUpdateUser changes a user's role, locality or language; a change made
// meanwhile by another admin is refused with 409.
func (s *Server) apiUpdateUser(w http.ResponseWriter, r *http.Request, st *account.Store) {
	var req UserRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := st.User(r.Context(), r.PathValue("name"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Name != "" && req.Name != u.Name {
		s.writeError(w, r, badRequest("a user cannot be renamed"))
		return
	}
	if req.Role != "" {
		u.Role = req.Role
	}
	if req.Locality != "" {
		u.Locality = req.Locality
	}
	if req.Language != "" {
		u.Language = req.Language
	}
	if u, err = st.UpdateUser(r.Context(), u); err != nil {
		s.writeError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, u)
}

// apiDisableUser disables a user (body {"disabled": false} enables it again).
func (s *Server) apiDisableUser(w http.ResponseWriter, r *http.Request, st *account.Store) {
	body := struct {
		Disabled *bool `json:"disabled"`
	}{}
	if err := decodeJSON(r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	disabled := body.Disabled == nil || *body.Disabled
	if err := st.SetDisabled(r.Context(), r.PathValue("name"), disabled); err != nil {
		s.writeError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"name": r.PathValue("name"), "disabled": disabled})
}

func (s *Server) apiResetTOTP(w http.ResponseWriter, r *http.Request, st *account.Store) {
	if err := st.ResetTOTP(r.Context(), r.PathValue("name")); err != nil {
		s.writeError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"name": r.PathValue("name"), "totp_enabled": false})
}

// apiTokens lists every token, or those of ?user=.
func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request, st *account.Store) {
	ts, err := st.Tokens(r.Context(), r.URL.Query().Get("user"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]TokenView, 0, len(ts))
	for _, t := range ts {
		out = append(out, tokenView(t))
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"tokens": out})
}

// apiCreateToken makes a token; the answer is the only time it is shown.
func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request, st *account.Store) {
	var req TokenRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Scope == "" {
		req.Scope = account.ScopeRead
	}
	tok, t, err := st.CreateToken(r.Context(), req.User, req.Name, req.Scope)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"token": tok, "info": tokenView(t)})
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request, st *account.Store) {
	t, err := st.RevokeToken(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, tokenView(t))
}
