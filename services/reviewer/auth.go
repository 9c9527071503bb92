package reviewer

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"go.uber.org/zap"

	"vigie/pipeline/account"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/retry"
)

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, `/\`) {
		return "/"
	}
	return next
}

type loginView struct {
	page
	Next, Name, Error string
	NeedCode          bool
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	v := loginView{page: s.newPage(r, "login_title"), Next: safeNext(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, "login", &v)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	v := loginView{page: s.newPage(r, "login_title"), Next: safeNext(r.PostFormValue("next")), Name: r.PostFormValue("name")}
	if s.deps.Accounts == nil {
		s.writeError(w, r, fmt.Errorf("log in: %w", errUnavailable))
		return
	}
	secret, sess, err := s.deps.Accounts.Login(r.Context(), account.LoginRequest{
		Name: r.PostFormValue("name"), Password: r.PostFormValue("password"), TOTPCode: strings.TrimSpace(r.PostFormValue("code")),
		IP: account.ClientIP(r, s.deps.TrustedProxies), UserAgent: r.UserAgent(),
	})
	if err != nil {
		status, _ := statusOf(err)
		var rl *account.RateLimitError
		switch {
		case errors.As(err, &rl):
			w.Header().Set("Retry-After", retry.FormatAfter(rl.RetryAfter))
			v.Error = tr(v.Lang, "rate_limited")
		case errors.Is(err, account.ErrTOTPRequired):
			v.Error, v.NeedCode = tr(v.Lang, "totp_needed"), true
		case status >= 500:
			s.log.Error("login failed", zap.Error(err))
			v.Error = tr(v.Lang, "error_title")
		default:
			status = http.StatusUnauthorized
			v.Error = tr(v.Lang, "login_failed")
		}
		s.render(w, r, status, "login", &v)
		return
	}
	s.deps.Cookie.Set(w, secret, sess.Expires)
	next := v.Next
	if sess.MustEnrolTOTP {
		next = "/account/2fa"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if secret, ok, err := s.deps.Cookie.Read(r); ok && err == nil && s.deps.Accounts != nil {
		if err := s.deps.Accounts.RevokeSession(r.Context(), secret); err != nil && !errors.Is(err, account.ErrNotFound) {
			s.writeError(w, r, err)
			return
		}
	}
	s.deps.Cookie.Clear(w)
	if wantsHTML(r) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type accountView struct {
	page
	Account account.User
	Message string
}

func (s *Server) accounts() (*account.Store, error) {
	if s.deps.Accounts == nil {
		return nil, fmt.Errorf("accounts: %w", errUnavailable)
	}
	return s.deps.Accounts, nil
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	st, err := s.accounts()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := st.User(r.Context(), principal(r).User)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v := accountView{page: s.newPage(r, "account_title"), Account: u}
	s.render(w, r, http.StatusOK, "account", &v)
}

// setLanguage stores the user's UI language ("" returns to the browser's).
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) {
	st, err := s.accounts()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	lang := r.PostFormValue("language")
	if !isForm(r) {
		var body struct {
			Language string `json:"language"`
		}
		if err := decodeJSON(r, &body); err != nil {
			s.writeError(w, r, err)
			return
		}
		lang = body.Language
	}
	if lang != "" && baseLanguage(lang) != lang {
		s.writeError(w, r, badRequest("language must be one of "+strings.Join(Languages, ", ")))
		return
	}
	for range 3 { // retry a concurrent update of the same user
		var u account.User
		if u, err = st.User(r.Context(), principal(r).User); err != nil {
			break
		}
		u.Language = lang
		if _, err = st.UpdateUser(r.Context(), u); !errors.Is(err, account.ErrConflict) {
			break
		}
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// The setting now decides: forget a choice made with the switch.
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	if isForm(r) {
		http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"language": lang})
}

func (s *Server) setPassword(w http.ResponseWriter, r *http.Request) {
	st, err := s.accounts()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := principal(r)
	if _, err := st.CheckPassword(r.Context(), p.User, r.PostFormValue("current")); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := st.SetPassword(r.Context(), p.User, r.PostFormValue("password")); err != nil {
		s.writeError(w, r, err)
		return
	}
	if isForm(r) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type totpView struct {
	page
	Enabled, Required bool
	Secret, URL       string
	Error             string
}

func (s *Server) totpPage(w http.ResponseWriter, r *http.Request) {
	st, err := s.accounts()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := principal(r)
	u, err := st.User(r.Context(), p.User)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v := totpView{page: s.newPage(r, "totp_title"), Enabled: u.TOTPEnabled, Required: p.MustEnrolTOTP}
	s.render(w, r, http.StatusOK, "totp", &v)
}

func (s *Server) totpEnrol(w http.ResponseWriter, r *http.Request) {
	st, err := s.accounts()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := principal(r)
	e, err := st.EnrolTOTP(r.Context(), p.User)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !isForm(r) {
		httpapi.WriteJSON(w, http.StatusOK, e)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	v := totpView{page: s.newPage(r, "totp_title"), Required: p.MustEnrolTOTP, Secret: e.Secret, URL: e.URL}
	s.render(w, r, http.StatusOK, "totp", &v)
}

func (s *Server) totpConfirm(w http.ResponseWriter, r *http.Request) {
	st, err := s.accounts()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := principal(r)
	code := strings.TrimSpace(r.PostFormValue("code"))
	if code == "" && !isForm(r) {
		var body struct {
			Code string `json:"code"`
		}
		if err := decodeJSON(r, &body); err != nil {
			s.writeError(w, r, err)
			return
		}
		code = body.Code
	}
	if err := st.ConfirmTOTP(r.Context(), p.User, code); err != nil {
		s.writeError(w, r, err)
		return
	}
	if p.Via == account.ViaSession {
		// The session was limited to enrolment: open a full one.
		if secret, ok, _ := s.deps.Cookie.Read(r); ok {
			_ = st.RevokeSession(r.Context(), secret)
		}
		secret, sess, err := st.CreateSession(r.Context(), p.User, false, account.ClientIP(r, s.deps.TrustedProxies), r.UserAgent())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.deps.Cookie.Set(w, secret, sess.Expires)
	}
	if isForm(r) {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]bool{"totp_enabled": true})
}
