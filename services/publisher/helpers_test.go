package publisher

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/publish"
	"vigie/pipeline/review"
)

var (
	factchecker = claims.Actor{Name: "fanny", Role: claims.RoleFactChecker}
	editor      = claims.Actor{Name: "edith", Role: claims.RoleEditor}
	testSite    = review.Site{Publisher: publish.Party{Name: "Vérif Locale", URL: "https://verif.example.org/"},
		BaseURL: "https://verif.example.org"}
)

// testClock moves one second per reading, from a fixed start.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// env is a real workflow on an in-process nats-server, and the publisher
// over it.
type env struct {
	t   *testing.T
	w   *review.Workflow
	pub *Service
	srv *httptest.Server
	rev map[string]uint64
}

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	c := &testClock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	w, err := review.New(context.Background(), b, review.Config{Site: testSite, Now: c.Now}, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	opts.Site = testSite
	if opts.CacheTTL == 0 {
		opts.CacheTTL = -1
	}
	e := &env{t: t, w: w, pub: New(w, opts, zaptest.NewLogger(t)), rev: map[string]uint64{}}
	e.srv = httptest.NewServer(serve(e.pub))
	t.Cleanup(e.srv.Close)
	return e
}

// do runs one workflow action and keeps the claim's revision.
func (e *env) do(claim string, act func(ctx context.Context, rev uint64) (review.Result, error)) {
	e.t.Helper()
	res, err := act(context.Background(), e.rev[claim])
	if err != nil {
		e.t.Fatalf("claim %s: %v", claim, err)
	}
	e.rev[claim] = res.Revision
}

// draft takes a new claim to a draft verdict.
func (e *env) draft(claim string, in claims.VerdictInput) {
	e.t.Helper()
	e.do(claim, func(ctx context.Context, rev uint64) (review.Result, error) {
		return e.w.SetStatus(ctx, factchecker, claim, rev, claims.StatusTriage)
	})
	e.do(claim, func(ctx context.Context, rev uint64) (review.Result, error) {
		return e.w.DraftVerdict(ctx, factchecker, claim, rev, in)
	})
}

// publish takes a new claim through draft → submit → publish.
func (e *env) publish(claim string, in claims.VerdictInput) {
	e.t.Helper()
	e.draft(claim, in)
	e.do(claim, func(ctx context.Context, rev uint64) (review.Result, error) {
		return e.w.SubmitVerdict(ctx, factchecker, claim, rev)
	})
	e.do(claim, func(ctx context.Context, rev uint64) (review.Result, error) {
		return e.w.PublishVerdict(ctx, editor, claim, rev)
	})
}

func (e *env) correct(claim string, in claims.VerdictInput, note string) {
	e.t.Helper()
	e.do(claim, func(ctx context.Context, rev uint64) (review.Result, error) {
		return e.w.CorrectVerdict(ctx, editor, claim, rev, in, note)
	})
}

func (e *env) retract(claim, note string) {
	e.t.Helper()
	e.do(claim, func(ctx context.Context, rev uint64) (review.Result, error) {
		return e.w.RetractVerdict(ctx, editor, claim, rev, note)
	})
}

// get fetches a path with optional request headers (name, value pairs).
func (e *env) get(path string, headers ...string) (*http.Response, []byte) {
	e.t.Helper()
	return get(e.t, e.srv.URL+path, headers...)
}

func get(t *testing.T, url string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// porto is a complete Portuguese verdict input about Porto.
func porto() claims.VerdictInput {
	return claims.VerdictInput{
		ClaimReviewed: "A Ponte Luís I vai fechar aos peões durante todo o mês de dezembro.",
		Title:         "A Ponte Luís I não vai fechar aos peões em dezembro",
		Rating:        claims.RatingFalse, TextualRating: "Falso",
		Summary:     "A Câmara do Porto não anunciou qualquer encerramento.\n\nAs obras previstas são noturnas e mantêm a passagem pedonal.",
		Sources:     []string{"https://www.cm-porto.pt/noticias/obras-ponte"},
		Claimant:    "Publicação viral numa rede social",
		Appearances: []string{"https://social.example/@porto/1", "https://social.example/@porto/2"},
		Localities:  []string{"PT-1312"}, Language: "pt",
	}
}

// paris is a French verdict about Paris, rated misleading.
func paris() claims.VerdictInput {
	return claims.VerdictInput{
		ClaimReviewed: "La mairie de Paris va fermer la bibliothèque Saint-Martin en janvier.",
		Rating:        claims.RatingMisleading, TextualRating: "Trompeur",
		Summary:  "Seule la salle de lecture ferme deux semaines pour travaux.",
		Sources:  []string{"https://www.paris.fr/deliberation"},
		Claimant: "Un message viral", Appearances: []string{"https://social.example/@paris/9"},
		Localities: []string{"FR-75056"}, Language: "fr",
	}
}

// stockholm is a Swedish verdict rated unproven.
func stockholm() claims.VerdictInput {
	return claims.VerdictInput{
		ClaimReviewed: "Stockholm stänger alla badplatser i sommar.",
		Rating:        claims.RatingUnproven, Summary: "Kommunen har inte fattat något beslut.",
		Sources:    []string{"https://start.stockholm/nyheter"},
		Localities: []string{"SE-0180"}, Language: "sv",
	}
}

// needXmllint returns the xmllint path, skipping the test when it is
// missing, except under CI=true where that fails.
func needXmllint(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is required under CI (Debian package libxml2-utils)")
		}
		t.Skip("xmllint not installed (apt-get install libxml2-utils); skipping schema validation")
	}
	return p
}

// serve returns s's handler under the policy of its own routes.
func serve(s *Service) http.Handler { return s.Handler(account.NewPolicy(s.Routes()...)) }
