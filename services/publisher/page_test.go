package publisher

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/publish/schemaorg"
	"vigie/pipeline/review"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fakeSource serves fixed records; it lets tests hold what the workflow
// would refuse (a javascript: URL) to check the page's own defences.
type fakeSource struct {
	vs       []*claims.Verdict
	versions map[string][]*claims.Verdict
	err      error
}

func (f *fakeSource) Verdicts(_ context.Context, keep func(*claims.Verdict) bool) ([]*claims.Verdict, error) {
	if f.err != nil {
		return nil, f.err
	}
	var out []*claims.Verdict
	for _, v := range f.vs {
		if keep == nil || keep(v) {
			out = append(out, v)
		}
	}
	return out, nil
}

func (f *fakeSource) Verdict(_ context.Context, id string) (*claims.Verdict, error) {
	if f.err != nil {
		return nil, f.err
	}
	for _, v := range f.vs {
		if v.ID == id {
			return v, nil
		}
	}
	return nil, fmt.Errorf("read verdict %s: %w", id, review.ErrNotFound)
}

func (f *fakeSource) Versions(_ context.Context, id string) ([]*claims.Verdict, error) {
	return f.versions[id], nil
}

var day = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// record is a published verdict record as the workflow stores it.
func record(id string, in claims.VerdictInput, published time.Time) *claims.Verdict {
	in = review.NormalizeInput(in)
	return &claims.Verdict{VerdictInput: in, ID: id, ClaimID: id, State: claims.VerdictPublished, Version: 1,
		Author: "fanny", Editor: "edith", FirstPublished: published, Published: published}
}

func corrected() *claims.Verdict {
	v := record("pt1", porto(), day)
	v.Version, v.Published, v.CorrectionNote = 2, day.Add(26*time.Hour), "Corrigimos a data das obras."
	v.Corrections = []claims.Correction{{Version: 2, Date: v.Published, Note: v.CorrectionNote}}
	return v
}

func arabic() *claims.Verdict {
	return record("ar1", claims.VerdictInput{
		ClaimReviewed: "البلدية ستغلق السوق المركزي طوال شهر ديسمبر.", Rating: claims.RatingFalse,
		Summary: "لم تعلن البلدية أي إغلاق.", Sources: []string{"https://example.org/ar/source"},
		Localities: []string{"FR-13055"}, Language: "ar",
	}, day.Add(time.Hour))
}

func fakeService(t *testing.T, src *fakeSource) *httptest.Server {
	t.Helper()
	s := New(src, Options{Site: testSite, CacheTTL: -1}, zaptest.NewLogger(t))
	srv := httptest.NewServer(serve(s))
	t.Cleanup(srv.Close)
	return srv
}

// TestPagesGolden compares rendered pages with testdata/*.golden.html
// (go test -run TestPagesGolden -update rewrites them).
func TestPagesGolden(t *testing.T) {
	t.Parallel()
	c := corrected()
	v1 := record("pt1", porto(), day)
	src := &fakeSource{vs: []*claims.Verdict{arabic(), c}, versions: map[string][]*claims.Verdict{"pt1": {v1, c}, "ar1": {arabic()}}}
	srv := fakeService(t, src)
	for _, tc := range []struct{ name, path, accept string }{
		{"verdict_corrected_pt", "/verdicts/pt1", ""},
		{"verdict_ar_rtl", "/verdicts/ar1", ""},
		{"list_fr", "/verdicts", "fr-FR,fr;q=0.9,en;q=0.5"},
		{"list_filtered_pt", "/verdicts?locality=pt-1312&lang=pt", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, srv.URL+tc.path, "Accept-Language", tc.accept)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			golden := filepath.Join("testdata", tc.name+".golden.html")
			if *update {
				if err := os.WriteFile(golden, body, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(body, want) {
				t.Errorf("page differs from %s (run with -update after checking):\n%s", golden, body)
			}
		})
	}
}

func TestPageLanguage(t *testing.T) {
	t.Parallel()
	src := &fakeSource{vs: []*claims.Verdict{arabic(), corrected(), record("sv1", stockholm(), day), record("de1",
		claims.VerdictInput{ClaimReviewed: "Die Stadt schließt das Bad.", Rating: claims.RatingFalse, Summary: "Nein.",
			Sources: []string{"https://example.org/de"}, Language: "de"}, day)}}
	srv := fakeService(t, src)
	for _, tc := range []struct {
		name, path, accept string
		want               []string
	}{
		{"arabic verdict is right to left", "/verdicts/ar1", "", []string{`<html lang="ar" dir="rtl">`, "حكمنا", `<article lang="ar"`}},
		{"portuguese verdict", "/verdicts/pt1", "en", []string{`<html lang="pt" dir="ltr">`, "A nossa verificação", "Falso"}},
		{"swedish verdict with the scale's label", "/verdicts/sv1", "", []string{`<html lang="sv" dir="ltr">`, "Obekräftat"}},
		{"unsupported language falls back to English pages", "/verdicts/de1", "", []string{`<html lang="en" dir="ltr">`, `<article lang="de"`, "Our verdict"}},
		{"list follows Accept-Language", "/verdicts", "es-ES,es;q=0.9", []string{`<html lang="es" dir="ltr">`, "Veredictos publicados"}},
		{"list in Arabic", "/verdicts", "ar", []string{`<html lang="ar" dir="rtl">`, "الأحكام المنشورة"}},
		{"lang parameter wins", "/verdicts?lang=sv", "fr", []string{`<html lang="sv" dir="ltr">`, "Publicerade granskningar"}},
		{"unknown language gives English", "/verdicts", "ja", []string{`<html lang="en" dir="ltr">`, "Published verdicts"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, srv.URL+tc.path, "Accept-Language", tc.accept)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			for _, w := range tc.want {
				if !bytes.Contains(body, []byte(w)) {
					t.Errorf("page lacks %q", w)
				}
			}
		})
	}
}

// TestCatalogComplete checks that every language defines every message
// and every rating.
func TestCatalogComplete(t *testing.T) {
	t.Parallel()
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			m, ok := catalog[lang]
			if !ok {
				t.Fatal("no catalog")
			}
			v := reflect.ValueOf(*m)
			for i := range v.NumField() {
				if f := v.Field(i); f.Kind() == reflect.String && f.String() == "" {
					t.Errorf("message %s is empty", v.Type().Field(i).Name)
				}
			}
			for _, r := range claims.Ratings {
				if m.Ratings[r] == "" {
					t.Errorf("no label for rating %s", r)
				}
			}
			if want := map[bool]string{true: "rtl", false: "ltr"}[lang == "ar"]; m.Dir != want {
				t.Errorf("dir %q, want %q", m.Dir, want)
			}
		})
	}
}

// TestEscaping feeds hostile editor input to the page: it must come out
// as text, and links only as http(s).
func TestEscaping(t *testing.T) {
	t.Parallel()
	v := record("x1", claims.VerdictInput{
		ClaimReviewed: `<script>alert("claim")</script> & "quotes"`,
		Title:         `</title><script>alert(1)</script>`, Rating: claims.RatingFalse,
		TextualRating: `<img src=x onerror=alert(2)>`,
		Summary:       "</script><script>alert(3)</script>",
		Claimant:      `<b onmouseover="alert(4)">x</b>`,
		Sources:       []string{"javascript:alert(5)", "https://ok.example/a?b=<c>"},
		Appearances:   []string{"data:text/html,<script>alert(6)</script>", "//evil.example/x"},
		Localities:    []string{`FR-1"><script>`}, Language: `pt"><script>`,
	}, day)
	srv := fakeService(t, &fakeSource{vs: []*claims.Verdict{v}})
	for _, path := range []string{"/verdicts/x1", "/verdicts"} {
		t.Run(path, func(t *testing.T) {
			_, body := get(t, srv.URL+path)
			page := string(body)
			for _, bad := range []string{"<script>alert", "<img src=x", "<b onmouseover", `href="javascript:`, `href="data:`, `href="//evil`} {
				if strings.Contains(page, bad) {
					t.Errorf("page holds %q unescaped", bad)
				}
			}
			// The JSON-LD must not be closable either.
			for _, doc := range schemaorg.ExtractJSONLD(body) {
				if bytes.Contains(doc, []byte("<")) {
					t.Errorf("JSON-LD holds a raw '<': %s", doc)
				}
			}
		})
	}
	_, body := get(t, srv.URL+"/verdicts/x1")
	for _, want := range []string{"&lt;script&gt;alert(&#34;claim&#34;)&lt;/script&gt;", `<a href="https://ok.example/a?b=%3cc%3e"`, "javascript:alert(5)"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestErrorsMapToStatus(t *testing.T) {
	t.Parallel()
	srv := fakeService(t, &fakeSource{err: fmt.Errorf("list verdicts: %w", context.DeadlineExceeded)})
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/verdicts", http.StatusServiceUnavailable},
		{"/verdicts/a1", http.StatusServiceUnavailable},
		{"/feeds/verdicts.atom", http.StatusServiceUnavailable},
		{"/verdicts/UPPER", http.StatusNotFound},
		{"/verdicts?rating=bogus", http.StatusBadRequest},
		{"/verdicts?page=0", http.StatusBadRequest},
		{"/feeds/verdicts.json?locality=Paris", http.StatusBadRequest},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, _ := get(t, srv.URL+tc.path)
			if resp.StatusCode != tc.status {
				t.Errorf("GET %s: %d, want %d", tc.path, resp.StatusCode, tc.status)
			}
		})
	}
}

func TestPageHeaders(t *testing.T) {
	t.Parallel()
	srv := fakeService(t, &fakeSource{vs: []*claims.Verdict{corrected()}, versions: map[string][]*claims.Verdict{}})
	resp, body := get(t, srv.URL+"/verdicts/pt1")
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
	if resp.Header.Get("ETag") == "" || resp.Header.Get("Last-Modified") == "" {
		t.Errorf("page without validators: %v", resp.Header)
	}
	resp2, _ := get(t, srv.URL+"/verdicts/pt1", "If-None-Match", resp.Header.Get("ETag"))
	if resp2.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %d, want 304", resp2.StatusCode)
	}
	if !bytes.Contains(body, []byte(`<link rel="canonical" href="https://verif.example.org/verdicts/pt1">`)) {
		t.Errorf("no canonical link")
	}
}
