package reviewer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/review"
)

// pageSet holds one template per page, each parsed with the layout.
type pageSet struct {
	pages map[string]*template.Template
}

// pageNames are the pages of templates/ (besides layout.html).
var pageNames = []string{"login", "queue", "claim", "verdict", "dashboard", "admin", "alerts", "alert", "account", "totp", "error"}

func funcs() template.FuncMap {
	return template.FuncMap{
		"t":   tr,
		"tf":  func(lang, key string, args ...any) string { return fmt.Sprintf(tr(lang, key), args...) },
		"pct": func(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" },
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2006-01-02 15:04")
		},
		"day": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format(time.DateOnly)
		},
		"iso":       func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"lines":     func(xs []string) string { return strings.Join(xs, "\n") },
		"join":      func(xs []string) string { return strings.Join(xs, ", ") },
		"statusKey": func(s any) string { return "status_" + fmt.Sprint(s) },
		"ratingKey": func(s any) string { return "rating_" + fmt.Sprint(s) },
		"safeURL": func(s string) template.URL {
			if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
				return template.URL(s)
			}
			return ""
		},
		"verdictOf": verdictOf,
		"mayAppear": mayAppear,
		"add":       func(a, b int) int { return a + b },
		"json":      func(v any) string { b, _ := json.Marshal(v); return string(b) },
		// The subscriber's pages.
		"hasString":      slices.Contains[[]string],
		"hasKind":        slices.Contains[[]claims.AlertKind],
		"langName":       func(l string) string { return languageNames[l] },
		"kindKey":        func(k claims.AlertKind) string { return "kind_" + string(k) },
		"alertStatusKey": func(s string) string { return "alert_status_" + s },
		"severityWord":   func(lang string, n int) string { return tr(lang, "sev_"+claims.SeverityWord(n)) },
		"pageURL": func(s string) template.URL {
			if strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") {
				return template.URL(s)
			}
			if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
				return template.URL(s)
			}
			return ""
		},
		// pathEscape makes a value one path segment (a fact-check id in a URL).
		"pathEscape": url.PathEscape,
		// deref is a match's judgement, "" when nobody judged it.
		"deref": func(j *claims.MatchJudgement) string {
			if j == nil {
				return ""
			}
			return string(*j)
		},
	}
}

func mustPages() *pageSet {
	ps := &pageSet{pages: map[string]*template.Template{}}
	for _, name := range pageNames {
		t := template.Must(template.New("layout.html").Funcs(funcs()).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
		ps.pages[name] = t
	}
	return ps
}

// page is what every page's layout needs.
type page struct {
	Lang, Dir, Title string
	// User and Role are the logged-in principal ("" when anonymous).
	User, Role string
	// Path is the current request URI, for the language switch.
	Path                                         string
	Languages                                    []langChoice
	CanReview, CanPublish, IsAdmin, IsSubscriber bool
}

type langChoice struct {
	Code, Name, URL string
	Current         bool
}

func (s *Server) newPage(r *http.Request, titleKey string) page {
	p, _ := account.FromContext(r.Context())
	lang := pickLanguage(r, p.Language)
	pg := page{Lang: lang, Dir: "ltr", Title: tr(lang, titleKey), User: p.User, Role: p.Role, Path: r.URL.RequestURI(),
		CanReview:  p.Role == claims.RoleAdmin || p.Role == claims.RoleEditor || p.Role == claims.RoleFactChecker,
		CanPublish: p.Role == claims.RoleAdmin || p.Role == claims.RoleEditor, IsAdmin: p.Role == claims.RoleAdmin,
		IsSubscriber: p.Role == claims.RoleSubscriber}
	if rtl[lang] {
		pg.Dir = "rtl"
	}
	for _, l := range Languages {
		q := r.URL.Query()
		q.Set("lang", l)
		pg.Languages = append(pg.Languages, langChoice{Code: l, Name: languageNames[l], URL: r.URL.Path + "?" + q.Encode(), Current: l == lang})
	}
	return pg
}

// render executes a page into a buffer first, so a template error never
// leaves a half-written page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := s.pages.pages[name]
	if !ok {
		s.log.Error("unknown page", zap.String("page", name))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		s.log.Error("render page", zap.String("page", name), zap.Error(err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

type errorView struct {
	page
	Status   int
	Message  string
	Conflict *review.ConflictError
	Back     string
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.renderErrorConflict(w, r, status, msg, nil)
}

func (s *Server) renderErrorConflict(w http.ResponseWriter, r *http.Request, status int, msg string, ce *review.ConflictError) {
	v := errorView{page: s.newPage(r, "error_title"), Status: status, Message: msg, Conflict: ce, Back: "/"}
	if ce != nil {
		v.Title = tr(v.Lang, "conflict_title")
		v.Back = claimURL(ce.ClaimID)
	} else if id := r.PathValue("id"); id != "" && strings.HasPrefix(r.URL.Path, "/api/v1/claims/") {
		v.Back = claimURL(id)
	}
	s.render(w, r, status, "error", &v)
}

// decodeJSON reads a bounded JSON body; an empty body leaves v as it is.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return badRequest("read request body: " + err.Error())
	}
	return nil
}
