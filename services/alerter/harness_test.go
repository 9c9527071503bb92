package alerter

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
	"vigie/pipeline/subscription"
	"vigie/pipeline/webhook"
	vigiev1 "vigie/proto/gen/vigie/v1"
)

const (
	paris = "FR-75056"
	porto = "PT-1312"
)

// harness is a running alerter on an in-process NATS server.
type harness struct {
	t   *testing.T
	bus *bus.Bus
	svc *Service
}

// start runs an alerter with opts (BaseURL defaulted) until the test ends.
func start(t *testing.T, opts Options, allow ...*receiver) *harness {
	t.Helper()
	srv := bustest.Server(t)
	b := bustest.Bus(t, srv, bus.DefaultTopology())
	h := &harness{t: t, bus: b}
	h.svc = h.another(opts, allow...)
	return h
}

// another starts one more alerter process on the same bus.
func (h *harness) another(opts Options, allow ...*receiver) *Service {
	t := h.t
	t.Helper()
	if opts.BaseURL == "" {
		opts.BaseURL = "https://verif.example.org"
	}
	for _, r := range allow {
		opts.AllowAddrs = append(opts.AllowAddrs, r.srv.Listener.Addr().String())
	}
	svc, err := New(h.bus, opts, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("alerter did not stop within 15s")
		}
	})
	return svc
}

// subscribe stores a subscription with a feed (token returned) and one
// webhook per receiver; with unreviewed, early warning is on and every
// channel carries unconfirmed alerts.
func (h *harness) subscribe(name string, locs []string, triggers []claims.AlertKind, unreviewed bool, rs ...*receiver) (subscription.Subscription, string) {
	h.t.Helper()
	sub := subscription.Subscription{Name: name, Owner: strings.ToLower(name), Localities: locs, Triggers: triggers,
		CAP: subscription.CAP{Enabled: true}}
	tok := sub.RotateToken(time.Now())
	sub.Feed.IncludeUnreviewed, sub.EarlyWarning = unreviewed, unreviewed
	for _, r := range rs {
		sub.Webhooks = append(sub.Webhooks, subscription.Webhook{ID: subscription.NewWebhookID(), URL: r.srv.URL + "/hook",
			Secrets: []string{r.secret}, Enabled: true, IncludeUnreviewed: unreviewed})
	}
	saved, err := h.svc.Subscriptions().Create(context.Background(), sub)
	if err != nil {
		h.t.Fatal(err)
	}
	return saved, tok
}

// publishClaims publishes a CLAIMS message as the matcher does.
func (h *harness) publishClaims(ic claims.ItemClaims) {
	h.t.Helper()
	b, err := codec.EncodeItemClaims(ic)
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := h.bus.Publish(ctx, bus.ClaimsSubject(ic.Language), b, ic.ItemID, nil); err != nil {
		h.t.Fatal(err)
	}
}

// publishVerdict publishes a VERDICTS message as the reviewer does.
func (h *harness) publishVerdict(v *claims.Verdict) {
	h.t.Helper()
	b, err := codec.EncodeVerdict(v)
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	subj := bus.SubjectVerdicts + "." + bus.Token(v.Localities[0])
	if _, err := h.bus.Publish(ctx, subj, b, v.ID+".v"+strconv.Itoa(v.Version), nil); err != nil {
		h.t.Fatal(err)
	}
}

// publishRetraction publishes a retraction as the review workflow
// announces it: same version, its own message id.
func (h *harness) publishRetraction(v *claims.Verdict) {
	h.t.Helper()
	b, err := codec.EncodeVerdict(v)
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	subj := bus.SubjectVerdicts + "." + bus.Token(v.Localities[0])
	if _, err := h.bus.Publish(ctx, subj, b, v.ID+".v"+strconv.Itoa(v.Version)+".retracted", nil); err != nil {
		h.t.Fatal(err)
	}
}

// drained waits until the durable consumer has acknowledged everything.
func (h *harness) drained(stream, durable string) {
	h.t.Helper()
	bustest.Eventually(h.t, 15*time.Second, durable+" on "+stream+" drained", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		c, err := h.bus.JS.Consumer(ctx, stream, durable)
		if err != nil {
			return false
		}
		ci, err := c.Info(ctx)
		if err != nil || ci.NumPending != 0 || ci.NumAckPending != 0 || ci.NumRedelivered != 0 {
			return false
		}
		// The counts above can read zero before the consumer has seen the
		// last messages published, and while a message waits for its
		// redelivery after a Nak: drained means acknowledged up to the
		// stream's last message.
		st, err := h.bus.JS.Stream(ctx, stream)
		if err != nil {
			return false
		}
		si, err := st.Info(ctx)
		return err == nil && ci.AckFloor.Stream >= si.State.LastSeq
	})
}

// settled waits until CLAIMS, VERDICTS, REVIEW and the delivery queue are drained.
func (h *harness) settled() {
	h.t.Helper()
	h.drained(bus.StreamClaims, bus.ConsumerAlerter)
	h.drained(bus.StreamVerdicts, bus.ConsumerAlerter)
	h.drained(bus.StreamReview, bus.ConsumerAlerter)
	h.drained(bus.StreamDeliveries, bus.ConsumerDeliveries)
}

func (h *harness) alerts(subID string) []Record {
	h.t.Helper()
	recs, err := h.svc.Alerts(context.Background(), subID, 0)
	if err != nil {
		h.t.Fatal(err)
	}
	return recs
}

// loadClaims reads a CLAIMS message of testdata, written in protobuf's JSON
// mapping (the wire contract, as an integrator reads it): the fixtures are
// the one reason this package's tests import the generated code.
func loadClaims(t *testing.T, name string) claims.ItemClaims {
	t.Helper()
	var p vigiev1.ItemClaims
	ic, err := codec.DecodeItemClaims(wireFixture(t, name, &p))
	if err != nil {
		t.Fatal(err)
	}
	return ic
}

// loadVerdict reads a VERDICTS message of testdata (see loadClaims).
func loadVerdict(t *testing.T, name string) *claims.Verdict {
	t.Helper()
	var p vigiev1.Verdict
	v, err := codec.DecodeVerdict(wireFixture(t, name, &p))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// wireFixture reads a message written in protobuf's JSON mapping into m and
// returns its binary encoding.
func wireFixture(t *testing.T, name string, m proto.Message) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := protojson.Unmarshal(b, m); err != nil {
		t.Fatal(err)
	}
	data, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// request is one webhook request as a receiver saw it.
type request struct {
	Header http.Header
	Body   []byte
	At     time.Time
	Valid  bool
}

// receiver is a local webhook endpoint that checks signatures with its own
// implementation of the Standard Webhooks scheme and answers from a script.
type receiver struct {
	srv    *httptest.Server
	secret string
	mu     sync.Mutex
	reqs   []request
	// status returns the answer to request number n (1-based).
	status func(n int) int
}

func newReceiver(t *testing.T, status func(n int) int) *receiver {
	t.Helper()
	sec, err := webhook.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{secret: sec, status: status}
	if r.status == nil {
		r.status = func(int) int { return http.StatusNoContent }
	}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		now := time.Now()
		r.mu.Lock()
		valid := verifyIndependently(r.secret, req.Header, body, now)
		r.reqs = append(r.reqs, request{Header: req.Header.Clone(), Body: body, At: now, Valid: valid})
		n := len(r.reqs)
		r.mu.Unlock()
		if !valid {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(r.status(n))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) requests() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]request(nil), r.reqs...)
}

// verifyIndependently checks a delivery as a municipality would, with the
// standard library only (the function of docs/alerts.md), not with
// pipeline/webhook.
func verifyIndependently(secret string, h http.Header, body []byte, now time.Time) bool {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || math.Abs(float64(now.Unix()-unix)) > 300 {
		return false
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	expected := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, sig := range strings.Split(sigs, " ") {
		version, value, _ := strings.Cut(sig, ",")
		if version == "v1" && hmac.Equal([]byte(value), []byte(expected)) {
			return true
		}
	}
	return false
}

// getFeed fetches a feed from the service's handler.
func (h *harness) getFeed(path string) (int, http.Header, []byte) {
	h.t.Helper()
	rec := httptest.NewRecorder()
	handlerOf(h.svc).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Header(), rec.Body.Bytes()
}

// handlerOf returns s's handler under the policy of its own routes.
func handlerOf(s *Service) http.Handler { return s.Handler(account.NewPolicy(s.Routes()...)) }
