package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vigie/claims"
)

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// fakeClock advances only when Sleep is called, so a 24-hour schedule runs
// at once.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

// received is what a test receiver saw in one request.
type received struct {
	id, ts, sig string
	body        []byte
}

// independentVerify checks a Standard Webhooks signature with nothing but
// the standard library, as a receiver written from the spec would.
func independentVerify(t *testing.T, secret string, r received) bool {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, key)
	io.WriteString(m, r.id+"."+r.ts+".")
	m.Write(r.body)
	want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	for _, s := range strings.Split(r.sig, " ") {
		if hmac.Equal([]byte(s), []byte(want)) {
			return true
		}
	}
	return false
}

// receiver answers the statuses in order (the last one repeats) and keeps
// every request.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	got      []received
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	n := len(rc.got)
	rc.got = append(rc.got, received{r.Header.Get(HeaderID), r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature), body})
	status := rc.statuses[min(n, len(rc.statuses)-1)]
	rc.mu.Unlock()
	w.WriteHeader(status)
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

type attemptLog struct {
	mu sync.Mutex
	a  []Attempt
}

func (l *attemptLog) RecordAttempt(_ context.Context, a Attempt) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.a = append(l.a, a)
}

func (l *attemptLog) all() []Attempt {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Attempt(nil), l.a...)
}

func newTestDeliverer(t *testing.T, clock Clock, rec Recorder) *Deliverer {
	t.Helper()
	return NewDeliverer(Options{
		Client:   &http.Client{},
		Clock:    clock,
		Rand:     func() float64 { return 0.5 }, // no jitter
		Recorder: rec,
		Policy:   Policy{AttemptTimeout: 5 * time.Second},
	})
}

func testMessage(t *testing.T) Message {
	t.Helper()
	msg, err := NewMessage(DeriveMessageID("sub_1", "alert_1"), TypeAlertRaised, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC),
		claims.Alert{ID: "alert_1", SubscriptionID: "sub_1", Locality: "FR-75056", Kind: "flagged", Severity: 4, Unreviewed: true,
			Title: "Unreviewed match: claim about tap water", Rating: "false", Created: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func testEndpoint(t *testing.T, url string) Endpoint {
	t.Helper()
	s, err := NewSigner(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return Endpoint{URL: url, Signer: s}
}

// TestRetryThenDeliver is issue 7's retry test: the receiver answers 500
// three times, then 200.
func TestRetryThenDeliver(t *testing.T) {
	t.Parallel()
	rc := &receiver{statuses: []int{500, 500, 500, 200}}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	log := &attemptLog{}
	d := newTestDeliverer(t, clock, log)
	msg := testMessage(t)

	res, err := d.Deliver(context.Background(), testEndpoint(t, srv.URL), msg)
	if err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	if res.Attempts != 4 || res.Last.Outcome != OutcomeDelivered {
		t.Fatalf("result %+v, want 4 attempts ending delivered", res)
	}
	reqs := rc.requests()
	if len(reqs) != 4 {
		t.Fatalf("receiver got %d requests, want 4", len(reqs))
	}
	ids := map[string]bool{}
	stamps := map[string]bool{}
	for i, r := range reqs {
		ids[r.id] = true
		stamps[r.ts] = true
		if !independentVerify(t, testSecret, r) {
			t.Errorf("request %d: signature %q fails an independent check", i+1, r.sig)
		}
		if string(r.body) != string(msg.Body) {
			t.Errorf("request %d: body changed between attempts", i+1)
		}
	}
	if len(ids) != 1 || !ids[msg.ID] {
		t.Errorf("webhook-ids %v, want exactly %q", ids, msg.ID)
	}
	if len(stamps) != 4 {
		t.Errorf("timestamps %v, want a fresh one per attempt", stamps)
	}
	atts := log.all()
	if len(atts) != 4 {
		t.Fatalf("recorded %d attempts, want 4", len(atts))
	}
	wantStatus := []int{500, 500, 500, 200}
	wantOutcome := []Outcome{OutcomeRetry, OutcomeRetry, OutcomeRetry, OutcomeDelivered}
	for i, a := range atts {
		if a.Number != i+1 || a.Status != wantStatus[i] || a.Outcome != wantOutcome[i] || a.MessageID != msg.ID {
			t.Errorf("attempt %d = %+v, want number %d status %d outcome %v", i, a, i+1, wantStatus[i], wantOutcome[i])
		}
		if a.Latency <= 0 {
			t.Errorf("attempt %d: latency %v not measured", i+1, a.Latency)
		}
		if strconv.FormatInt(a.Time.Unix(), 10) != reqs[i].ts {
			t.Errorf("attempt %d: recorded time %v, sent timestamp %s", i+1, a.Time, reqs[i].ts)
		}
	}
	wantSleeps := []time.Duration{5 * time.Second, 20 * time.Second, 80 * time.Second}
	if len(clock.sleeps) != len(wantSleeps) {
		t.Fatalf("slept %v, want %v", clock.sleeps, wantSleeps)
	}
	for i := range wantSleeps {
		if clock.sleeps[i] != wantSleeps[i] {
			t.Errorf("sleep %d = %v, want %v", i, clock.sleeps[i], wantSleeps[i])
		}
	}
}

func TestDeliverExpiresAfterMaxAge(t *testing.T) {
	t.Parallel()
	rc := &receiver{statuses: []int{503}}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	start := time.Unix(1_800_000_000, 0)
	clock := &fakeClock{now: start}
	log := &attemptLog{}
	d := newTestDeliverer(t, clock, log)

	res, err := d.Deliver(context.Background(), testEndpoint(t, srv.URL), testMessage(t))
	if !errors.Is(err, ErrExpired) {
		t.Fatalf("Deliver = %v, want ErrExpired", err)
	}
	// Without jitter: 0, 5s, 25s, 1m45s, 7m5s, 28m25s, 1h53m45s, then +4h each up to 24h.
	wantOffsets := []time.Duration{0, 5 * time.Second, 25 * time.Second, 105 * time.Second, 425 * time.Second,
		1705 * time.Second, 6825 * time.Second}
	for off := wantOffsets[len(wantOffsets)-1] + 4*time.Hour; off <= 24*time.Hour; off += 4 * time.Hour {
		wantOffsets = append(wantOffsets, off)
	}
	atts := log.all()
	if res.Attempts != len(wantOffsets) || len(atts) != len(wantOffsets) {
		t.Fatalf("%d attempts (%d recorded), want %d", res.Attempts, len(atts), len(wantOffsets))
	}
	for i, a := range atts {
		if got := a.Time.Sub(start); got != wantOffsets[i] {
			t.Errorf("attempt %d at +%v, want +%v", i+1, got, wantOffsets[i])
		}
	}
	last := atts[len(atts)-1]
	if last.Outcome != OutcomeExpired || !last.Next.IsZero() {
		t.Errorf("last attempt %+v, want expired without next", last)
	}
	if len(rc.requests()) != len(wantOffsets) {
		t.Errorf("receiver got %d requests", len(rc.requests()))
	}
}

func TestAttemptOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		header      http.Header
		wantOutcome Outcome
		wantNext    time.Duration
	}{
		{"200 delivered", 200, nil, OutcomeDelivered, 0},
		{"204 delivered", 204, nil, OutcomeDelivered, 0},
		{"410 gone", 410, nil, OutcomeGone, 0},
		{"500 retried", 500, nil, OutcomeRetry, 5 * time.Second},
		{"404 retried", 404, nil, OutcomeRetry, 5 * time.Second},
		{"302 not followed", 302, http.Header{"Location": {"/elsewhere"}}, OutcomeRetry, 5 * time.Second},
		{"503 with Retry-After seconds", 503, http.Header{"Retry-After": {"120"}}, OutcomeRetry, 120 * time.Second},
		{"429 with Retry-After date", 429, http.Header{"Retry-After": {"Fri, 15 Jan 2027 08:11:40 GMT"}}, OutcomeRetry, 10 * time.Minute},
		{"503 with Retry-After beyond max delay", 503, http.Header{"Retry-After": {"999999"}}, OutcomeRetry, 4 * time.Hour},
		{"503 with garbage Retry-After", 503, http.Header{"Retry-After": {"soon"}}, OutcomeRetry, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var followed atomic.Bool
			mux := http.NewServeMux()
			mux.HandleFunc("/hook", func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header()[k] = v
				}
				w.WriteHeader(tt.status)
			})
			mux.HandleFunc("/elsewhere", func(w http.ResponseWriter, r *http.Request) { followed.Store(true) })
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			now := time.Date(2027, 1, 15, 8, 1, 40, 0, time.UTC)
			clock := &fakeClock{now: now}
			d := newTestDeliverer(t, clock, nil)
			a := d.Attempt(context.Background(), testEndpoint(t, srv.URL+"/hook"), testMessage(t), 1, time.Time{})
			if a.Outcome != tt.wantOutcome || a.Status != tt.status {
				t.Fatalf("attempt %+v, want outcome %v status %d", a, tt.wantOutcome, tt.status)
			}
			if tt.wantOutcome == OutcomeDelivered && a.Err != "" {
				t.Errorf("delivered attempt has error %q", a.Err)
			}
			if tt.wantOutcome != OutcomeDelivered && a.Err == "" {
				t.Errorf("failed attempt has no error text")
			}
			if tt.wantNext > 0 {
				if got := a.Next.Sub(now); got != tt.wantNext {
					t.Errorf("next in %v, want %v", got, tt.wantNext)
				}
			} else if !a.Next.IsZero() {
				t.Errorf("next %v set for outcome %v", a.Next, a.Outcome)
			}
			if followed.Load() {
				t.Errorf("redirect was followed")
			}
		})
	}
}

func TestDeliverGone(t *testing.T) {
	t.Parallel()
	rc := &receiver{statuses: []int{410}}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	log := &attemptLog{}
	d := newTestDeliverer(t, &fakeClock{now: time.Unix(1_800_000_000, 0)}, log)
	res, err := d.Deliver(context.Background(), testEndpoint(t, srv.URL), testMessage(t))
	if !errors.Is(err, ErrGone) || res.Attempts != 1 || len(log.all()) != 1 {
		t.Fatalf("Deliver = %+v, %v; want ErrGone after 1 attempt", res, err)
	}
}

// TestAttemptTimeout: a receiver that accepts and never answers is bounded
// by the per-attempt timeout.
func TestAttemptTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	d := NewDeliverer(Options{Policy: Policy{AttemptTimeout: 200 * time.Millisecond}, Rand: func() float64 { return 0.5 }})
	start := time.Now()
	a := d.Attempt(context.Background(), testEndpoint(t, srv.URL), testMessage(t), 1, time.Time{})
	elapsed := time.Since(start)
	if a.Outcome != OutcomeRetry || a.Status != 0 || !strings.Contains(a.Err, "deadline") {
		t.Fatalf("attempt %+v, want a timed-out retry", a)
	}
	if elapsed > 10*time.Second || a.Latency < 150*time.Millisecond {
		t.Errorf("attempt took %v (latency %v), want it to last about the 200ms timeout (no sooner than 150ms: the latency clock starts after the deadline), well under 10s", elapsed, a.Latency)
	}
}

// TestAttemptTimeoutRawTCP: a TCP peer that accepts and never speaks HTTP
// is bounded too.
func TestAttemptTimeoutRawTCP(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var conns sync.WaitGroup
	conns.Add(1)
	go func() {
		defer conns.Done()
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = io.Copy(io.Discard, c) // read forever, never answer
	}()
	d := NewDeliverer(Options{Policy: Policy{AttemptTimeout: 200 * time.Millisecond}, Rand: func() float64 { return 0.5 }})
	start := time.Now()
	a := d.Attempt(context.Background(), testEndpoint(t, "http://"+l.Addr().String()+"/hook"), testMessage(t), 1, time.Time{})
	if a.Outcome != OutcomeRetry || a.Status != 0 || time.Since(start) > 10*time.Second {
		t.Fatalf("attempt %+v after %v, want a bounded timed-out retry", a, time.Since(start))
	}
	conns.Wait() // the client closed the connection when the attempt timed out
}

func TestAttemptConnectionRefused(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	d := newTestDeliverer(t, &fakeClock{now: time.Unix(1_800_000_000, 0)}, nil)
	a := d.Attempt(context.Background(), testEndpoint(t, "http://"+addr+"/hook"), testMessage(t), 1, time.Time{})
	if a.Outcome != OutcomeRetry || a.Status != 0 || a.Err == "" {
		t.Fatalf("attempt %+v, want a retry with an error and no status", a)
	}
}

func TestDeliverStopsOnCancel(t *testing.T) {
	t.Parallel()
	rc := &receiver{statuses: []int{500}}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	var n int
	d := newTestDeliverer(t, &fakeClock{now: time.Unix(1_800_000_000, 0)}, RecorderFunc(func(context.Context, Attempt) {
		n++
		if n == 2 {
			cancel()
		}
	}))
	_, err := d.Deliver(ctx, testEndpoint(t, srv.URL), testMessage(t))
	if !errors.Is(err, context.Canceled) || n != 2 {
		t.Fatalf("Deliver = %v after %d attempts, want context.Canceled after 2", err, n)
	}
}

func TestPolicyDelay(t *testing.T) {
	t.Parallel()
	p := DefaultPolicy()
	tests := []struct {
		name string
		n    int
		r    float64
		want time.Duration
	}{
		{"first failure", 1, 0.5, 5 * time.Second},
		{"second failure", 2, 0.5, 20 * time.Second},
		{"fifth failure", 5, 0.5, 1280 * time.Second},
		{"capped", 7, 0.5, 4 * time.Hour},
		{"huge attempt number capped", 10_000, 0.5, 4 * time.Hour},
		{"jitter low bound", 1, 0, 4 * time.Second},
		{"jitter high end", 1, 0.999999, 6*time.Second - 2*time.Microsecond},
		{"zero attempt treated as first", 0, 0.5, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.Delay(tt.n, tt.r)
			if d := got - tt.want; d < -time.Microsecond || d > time.Microsecond {
				t.Errorf("Delay(%d, %v) = %v, want %v", tt.n, tt.r, got, tt.want)
			}
		})
	}
}

func TestPolicyNextJitterStaysInBounds(t *testing.T) {
	t.Parallel()
	p := DefaultPolicy()
	first := time.Unix(1_800_000_000, 0)
	for i := range 100 {
		r := float64(i) / 100
		next, ok := p.Next(first, first, 3, r, 0)
		if !ok {
			t.Fatalf("Next(r=%v) expired", r)
		}
		d := next.Sub(first)
		if d < 64*time.Second || d > 96*time.Second {
			t.Fatalf("Next(r=%v) in %v, want within 80s ±20%%", r, d)
		}
	}
	if _, ok := p.Next(first, first.Add(23*time.Hour+59*time.Minute), 9, 0.5, 0); ok {
		t.Errorf("Next past MaxAge was allowed")
	}
}

func TestNewMessage(t *testing.T) {
	t.Parallel()
	ts := time.Date(2026, 11, 27, 9, 0, 0, 123_000_000, time.FixedZone("CET", 3600))
	msg, err := NewMessage("msg_x", TypeAlertUpdated, ts, map[string]int{"n": 1})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(msg.Body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || string(got["type"]) != `"alert.updated"` || string(got["timestamp"]) != `"2026-11-27T08:00:00.123Z"` ||
		string(got["data"]) != `{"n":1}` {
		t.Errorf("body %s, want type, UTC timestamp and data", msg.Body)
	}
	for _, tt := range []struct{ name, id, typ string }{
		{"empty type", "msg_x", ""}, {"type with space", "msg_x", "alert flagged"}, {"id with dot", "msg.x", TypeTest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewMessage(tt.id, tt.typ, ts, nil); err == nil {
				t.Errorf("NewMessage(%q, %q) accepted", tt.id, tt.typ)
			}
		})
	}
	if _, err := NewMessage("msg_x", TypeTest, ts, func() {}); err == nil {
		t.Errorf("NewMessage accepted unmarshalable data")
	}
}

func TestMessageIDs(t *testing.T) {
	t.Parallel()
	a, b := DeriveMessageID("sub_1", "alert_1"), DeriveMessageID("sub_1", "alert_1")
	if a != b {
		t.Errorf("DeriveMessageID not stable: %q vs %q", a, b)
	}
	if a == DeriveMessageID("sub_1", "alert_2") || DeriveMessageID("ab", "c") == DeriveMessageID("a", "bc") {
		t.Errorf("DeriveMessageID collides")
	}
	r1, r2 := NewMessageID(), NewMessageID()
	for _, id := range []string{a, r1} {
		if !validID(id) || !strings.HasPrefix(id, "msg_") || len(id) != 30 {
			t.Errorf("id %q not a valid msg_ id of 30 chars", id)
		}
	}
	if r1 == r2 {
		t.Errorf("NewMessageID repeated %q", r1)
	}
}
