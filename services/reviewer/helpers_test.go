package reviewer

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/index"
	"vigie/pipeline/matchermodel"
	"vigie/pipeline/publish"
	"vigie/pipeline/review"
	"vigie/pipeline/source"
)

// testPassword is every test user's password.
const testPassword = "correct horse battery staple"

// roles are the roles of the matrix, anonymous first.
var roles = []string{account.RoleAnonymous, claims.RoleAdmin, claims.RoleEditor, claims.RoleFactChecker, claims.RoleSubscriber}

// withRole serves h as user "u-<role>" of role (no principal for anonymous).
func withRole(h http.Handler, role string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if role != account.RoleAnonymous && role != "" {
			r = r.WithContext(account.WithPrincipal(r.Context(), account.Principal{User: "u-" + role, Role: role, Via: account.ViaToken}))
		}
		h.ServeHTTP(w, r)
	})
}

// openIndex opens a temporary Bleve index with the queue's settings.
func openIndex(t testing.TB) index.Backend {
	t.Helper()
	b, err := index.OpenBleve(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	if err := b.EnsureSettings(context.Background(), claimdoc.Settings()); err != nil {
		t.Fatal(err)
	}
	return b
}

// putClaims indexes claims.
func putClaims(t testing.TB, idx index.Backend, cs ...claimdoc.Claim) {
	t.Helper()
	var docs []index.Document
	for _, c := range cs {
		if c.Status == "" {
			c.Status = claims.StatusNew
		}
		docs = append(docs, c.Document())
	}
	if err := idx.Upsert(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
}

// env is a whole reviewer over a real NATS server, account store, review
// workflow and index, behind the same middleware as the serving process.
type env struct {
	t       *testing.T
	srv     *Server
	policy  *account.Policy // built from srv.Routes
	http    *httptest.Server
	idx     index.Backend
	store   *account.Store
	wf      *review.Workflow
	tokens  map[string]string // role → full-scope API token
	reps    *fakeReporters
	alerts  *fakeAlerts
	mu      sync.Mutex
	counter int
	// rematches are the re-match requests made, "source/item".
	rematches []string
}

// serve returns s's handler under the policy of its own routes.
func serve(s *Server) http.Handler { return s.Handler(account.NewPolicy(s.Routes()...)) }

func newEnv(t *testing.T) *env { return newEnvWith(t, account.Config{}) }

// newEnvWith is newEnv with an account configuration (password hashing is
// always made cheap).
func newEnvWith(t *testing.T, cfg account.Config) *env {
	t.Helper()
	ctx := context.Background()
	ns := bustest.Server(t)
	b := bustest.Bus(t, ns, bus.DefaultTopology())
	log := zaptest.NewLogger(t)
	fast := &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	cfg.PasswordParams = fast
	store, err := account.Open(ctx, b.JS, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	wf, err := review.New(ctx, b, review.Config{Site: review.Site{Publisher: publish.Party{Name: "La Vigie"}, BaseURL: "https://news.example"}}, log)
	if err != nil {
		t.Fatal(err)
	}
	srcKV, err := b.KV(ctx, bus.BucketSources)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, idx: openIndex(t), store: store, wf: wf, tokens: map[string]string{},
		reps: &fakeReporters{ids: map[string]string{}}, alerts: &fakeAlerts{}}
	for _, role := range claims.Roles {
		name := "u-" + role
		nu := account.NewUser{Name: name, Role: role, Password: testPassword}
		if role == claims.RoleSubscriber {
			nu.Locality = "FR-75056"
		}
		if _, err := store.CreateUser(ctx, nu); err != nil {
			t.Fatal(err)
		}
		tok, _, err := store.CreateToken(ctx, name, "test", account.ScopeFull)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[role] = tok
	}
	setKV, err := b.KV(ctx, bus.BucketSettings)
	if err != nil {
		t.Fatal(err)
	}
	cookie := account.Cookie{Insecure: true}
	e.srv = New(Deps{Index: e.idx, Sources: source.NewRegistry(srcKV), Ready: []Readiness{b.Ready}, Accounts: store,
		Cookie: cookie, Review: wf, Alerts: e.alerts, Reporters: e.reps, Rematch: e.rematch,
		EventInterval: 20 * time.Millisecond, MatcherModel: matchermodel.NewStore(setKV)}, log)
	e.policy = account.NewPolicy(e.srv.Routes()...)
	cop, err := account.CrossOrigin()
	if err != nil {
		t.Fatal(err)
	}
	e.http = httptest.NewServer(cop.Handler(account.NewAuthenticator(store, cookie, httpapi.Deny, log).Middleware(e.srv.Handler(e.policy))))
	t.Cleanup(e.http.Close)
	return e
}

// rematch records the re-match requests (the matcher's part is tested in
// services/matcher).
func (e *env) rematch(_ context.Context, sourceID, itemID string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rematches = append(e.rematches, sourceID+"/"+itemID)
	return fmt.Sprint(len(e.rematches)), nil
}

// withMatch gives a claim a match to fact-check fcID rated r, which the
// engine would flag when r is a flagging rating.
func withMatch(fcID string, r claims.Rating) func(*claimdoc.Claim) {
	return func(c *claimdoc.Claim) {
		c.Matches = append(c.Matches, claims.Match{FactCheckID: fcID, Text: "The mayor said the budget grew by 40 percent.",
			Title: "No, it did not", Score: 0.9, Auto: true, Rating: r, Publisher: "Checkers"})
		c.Flagged = c.Flagged || r.Flagged()
	}
}

// claim indexes a fresh claim and returns its id.
func (e *env) claim(mod ...func(*claimdoc.Claim)) string {
	e.mu.Lock()
	e.counter++
	n := e.counter
	e.mu.Unlock()
	c := claimdoc.Claim{ID: fmt.Sprintf("claim-%03d", n), Text: fmt.Sprintf("The mayor said the budget grew by %d percent.", n),
		ItemID: fmt.Sprintf("item-%d", n), ItemTitle: "Council meeting", ItemURL: "https://news.example/item/" + fmt.Sprint(n),
		Source: "le-monde", SourceName: "Le Monde", Language: "fr", Worthiness: 0.8, Detected: time.Now().UTC().Add(-time.Hour)}
	for _, m := range mod {
		m(&c)
	}
	putClaims(e.t, e.idx, c)
	return c.ID
}

// do sends a request as role (anonymous: no credential) with a JSON body
// (nil: none) and returns the status and body.
func (e *env) do(role, method, path string, body any) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, e.http.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok := e.tokens[role]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 30 * time.Second}

// actor is the review actor of a test role.
func actorOf(role string) claims.Actor { return claims.Actor{Name: "u-" + role, Role: role} }

// completeVerdict is a verdict that may be submitted and published.
func completeVerdict() claims.VerdictInput {
	return claims.VerdictInput{ClaimReviewed: "The budget grew by 40 percent.", Rating: claims.RatingFalse, Summary: "It grew by 4 percent.",
		Sources: []string{"https://town.example/budget"}, Language: "fr", Localities: []string{"FR-75056"}}
}

// drafted, submitted and published bring a fresh claim to a stage through
// the workflow directly and return its id.
func (e *env) drafted() string {
	id := e.claim()
	r, err := e.wf.SetStatus(context.Background(), actorOf(claims.RoleFactChecker), id, 0, claims.StatusInProgress)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.wf.DraftVerdict(context.Background(), actorOf(claims.RoleFactChecker), id, r.Revision, completeVerdict()); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) submitted() string {
	id := e.drafted()
	_, rev := e.state(id)
	if _, err := e.wf.SubmitVerdict(context.Background(), actorOf(claims.RoleFactChecker), id, rev); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) published() string {
	id := e.submitted()
	_, rev := e.state(id)
	if _, err := e.wf.PublishVerdict(context.Background(), actorOf(claims.RoleEditor), id, rev); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) state(id string) (claims.ReviewState, uint64) {
	e.t.Helper()
	st, rev, err := e.wf.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return st, rev
}

// fakeReporters is an in-memory tipster store.
type fakeReporters struct {
	mu  sync.Mutex
	ids map[string]string
}

func (f *fakeReporters) Tipster(_ context.Context, ref string) (Tipster, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	who, ok := f.ids[ref]
	if !ok {
		return Tipster{}, nil
	}
	return Tipster{Ref: ref, Identity: who}, nil
}

func (f *fakeReporters) DeleteReporter(_ context.Context, ref string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.ids, ref)
	return nil
}

// fakeAlerts gives every subscriber one subscription with one alert.
type fakeAlerts struct{}

func (fakeAlerts) SubscriberView(_ context.Context, user string) ([]SubscriptionView, error) {
	return []SubscriptionView{{ID: "sub_" + user, Name: "Alerts of " + user, Localities: []string{"FR-75056"},
		FeedURL: "https://news.example/feeds/alerts/FR-75056?token=x", FeedOn: true,
		Webhooks: []WebhookView{{URL: "https://town.example/hook", Enabled: true, LastStatus: 200}},
		Alerts:   []AlertView{{ID: "al1", Kind: "flagged", Title: "A claim about " + user, Severity: 3, Status: "delivered", Time: time.Now()}}}}, nil
}

// Alert opens alert "al1" of the user's subscription for its owner, an
// admin, or anyone holding the signature "ok".
func (fakeAlerts) Alert(_ context.Context, req AlertRequest) (AlertPage, error) {
	owner := strings.TrimPrefix(req.SubscriptionID, "sub_")
	mayRead := req.LoggedIn && (req.Principal.Role == claims.RoleAdmin || req.Principal.User == owner)
	if req.AlertID != "al1" || (req.Signature != "ok" && !mayRead) {
		return AlertPage{}, httpapi.Errorf(httpapi.ErrNotFound, "no such alert")
	}
	return AlertPage{ID: "al1", SubscriptionID: req.SubscriptionID, Kind: claims.AlertVerdict, Status: "updated",
		Title: "Fact-check in Porto", Summary: "The fact-check was corrected.", Claim: "A claim", Place: "Porto", Locality: "PT-1312",
		Rating: claims.RatingFalse, RatingWords: "False", Severity: 3, SeverityWord: "moderate", Confirmed: true,
		VerdictURL: "https://news.example/verdicts/v1", Raised: time.Now()}, nil
}

// Change accepts every change of the user's own subscription.
func (fakeAlerts) Change(_ context.Context, p account.Principal, subID string, c SubscriptionChange) (ChangeResult, error) {
	if p.Role != claims.RoleAdmin && "sub_"+p.User != subID {
		return ChangeResult{}, httpapi.Errorf(httpapi.ErrForbidden, "not yours")
	}
	if c.Action == ChangeAddWebhook {
		return ChangeResult{Secret: "whsec_test"}, nil
	}
	return ChangeResult{Message: c.Action}, nil
}

// setField adds a field to a claim's index document.
func (e *env) setField(id, key string, value any) {
	e.t.Helper()
	d, err := e.idx.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	d[key] = value
	if err := e.idx.Upsert(context.Background(), []index.Document{d}); err != nil {
		e.t.Fatal(err)
	}
}

// send is do with either a JSON body or a form; streams (/events) are cut
// after the headers.
func (e *env) send(role, method, path string, body any, form url.Values) (int, []byte) {
	e.t.Helper()
	if form == nil {
		if strings.HasSuffix(path, "/events") {
			return e.stream(role, path)
		}
		return e.do(role, method, path, body)
	}
	req, err := http.NewRequest(method, e.http.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if tok := e.tokens[role]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// stream opens an event stream and returns its status once the headers came.
func (e *env) stream(role, path string) (int, []byte) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.http.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if tok := e.tokens[role]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	return resp.StatusCode, nil
}

func zaptestLogger(t *testing.T) *zap.Logger { return zaptest.NewLogger(t) }

func itoa[T ~int | ~uint64](n T) string { return strconv.FormatUint(uint64(n), 10) }

// fresh returns a new name with prefix.
func (e *env) fresh(prefix string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.counter++
	return fmt.Sprintf("%s-%03d", prefix, e.counter)
}

// user creates a fresh user of role and returns its name.
func (e *env) user(role string) string {
	e.t.Helper()
	name := e.fresh("x")
	if _, err := e.store.CreateUser(context.Background(), account.NewUser{Name: name, Role: role, Password: testPassword}); err != nil {
		e.t.Fatal(err)
	}
	return name
}
