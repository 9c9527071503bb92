package ingester

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/specs"
)

const (
	testSecret  = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	otherSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
)

// hmacSign signs like a Standard Webhooks sender, written directly on
// crypto/hmac so that the tests do not trust pipeline/webhook alone.
func hmacSign(t testing.TB, secret, id string, ts int64, body []byte) string {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.", id, ts)
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// TestHMACSignMatchesOfficialVector checks the test signer against the
// known-answer vector shared by the reference libraries.
func TestHMACSignMatchesOfficialVector(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(specs.Path("standard-webhooks", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Official []struct {
			Secret    string `json:"secret"`
			MsgID     string `json:"msg_id"`
			Timestamp int64  `json:"timestamp"`
			Payload   string `json:"payload"`
			Expected  string `json:"expected_signature"`
		} `json:"official"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Official) == 0 {
		t.Fatal("no official vector")
	}
	for _, o := range doc.Official {
		if got := hmacSign(t, o.Secret, o.MsgID, o.Timestamp, []byte(o.Payload)); got != o.Expected {
			t.Errorf("signature %s, want %s", got, o.Expected)
		}
	}
}

type intakeEnv struct {
	bus    *bus.Bus
	svc    *Service
	intake *Intake
	srv    *httptest.Server
	kv     jetstream.KeyValue
}

func newIntakeEnv(t *testing.T, mod func(*IntakeOptions)) *intakeEnv {
	t.Helper()
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	svc := newService(t, b, nil)
	kv, err := OpenReporters(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	opts := IntakeOptions{Secrets: []string{testSecret}, Reporters: kv}
	if mod != nil {
		mod(&opts)
	}
	in, err := NewIntake(svc, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(in)
	t.Cleanup(srv.Close)
	return &intakeEnv{bus: b, svc: svc, intake: in, srv: srv, kv: kv}
}

// post sends body signed with secret under webhook id at ts; sig overrides the signature when not empty.
func (e *intakeEnv) post(t *testing.T, id string, ts time.Time, body []byte, secret string) (int, httpapi.ErrorBody, TipResponse) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if id != "" {
		req.Header.Set("webhook-id", id)
		req.Header.Set("webhook-timestamp", strconv.FormatInt(ts.Unix(), 10))
		req.Header.Set("webhook-signature", hmacSign(t, secret, id, ts.Unix(), body))
	}
	return e.do(t, req)
}

func (e *intakeEnv) do(t *testing.T, req *http.Request) (int, httpapi.ErrorBody, TipResponse) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		t.Errorf("Content-Type %q, want application/json", resp.Header.Get("Content-Type"))
	}
	var ie httpapi.ErrorBody
	var tr TipResponse
	if resp.StatusCode == http.StatusAccepted {
		if err := json.Unmarshal(b, &tr); err != nil {
			t.Fatalf("decode 202 body %q: %v", b, err)
		}
	} else if err := json.Unmarshal(b, &ie); err != nil || ie.Error == "" {
		t.Fatalf("error body %q is not {\"error\": …}: %v", b, err)
	}
	return resp.StatusCode, ie, tr
}

func streamCount(t *testing.T, js jetstream.JetStream, name string) uint64 {
	t.Helper()
	st, err := js.Stream(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// rawStream returns the raw bytes (data and headers) of every message of a stream.
func rawStream(t *testing.T, js jetstream.JetStream, name string) []*jetstream.RawStreamMsg {
	t.Helper()
	ctx := context.Background()
	st, err := js.Stream(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []*jetstream.RawStreamMsg
	for seq := info.State.FirstSeq; info.State.Msgs > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func TestIntakeRefuses(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t, nil) // default cap: 64 KiB
	now := time.Now()
	good := []byte(`{"text":"O presidente da câmara disse que a taxa de desemprego caiu 40%."}`)
	long := []byte(`{"text":"` + strings.Repeat("a", 20_001) + `"}`)
	tests := []struct {
		name   string
		body   []byte
		ts     time.Time
		secret string
		status int
		field  string
	}{
		{"signed with another secret", good, now, otherSecret, 401, ""},
		{"stale timestamp", good, now.Add(-6 * time.Minute), testSecret, 401, ""},
		{"timestamp from the future", good, now.Add(6 * time.Minute), testSecret, 401, ""},
		{"body over the cap", []byte(`{"text":"` + strings.Repeat("x", DefaultIntakeMaxBody) + `"}`), now, testSecret, 413, ""},
		{"not JSON", []byte(`text=hello`), now, testSecret, 400, ""},
		{"truncated JSON", []byte(`{"text":"abc"`), now, testSecret, 400, ""},
		{"empty body", []byte(``), now, testSecret, 400, ""},
		{"array instead of object", []byte(`["abc"]`), now, testSecret, 400, ""},
		{"two objects", []byte(`{"text":"a"} {"text":"b"}`), now, testSecret, 400, ""},
		{"text missing", []byte(`{"url":"https://example.org/"}`), now, testSecret, 400, "text"},
		{"text blank", []byte(`{"text":"   "}`), now, testSecret, 400, "text"},
		{"text a number", []byte(`{"text":42}`), now, testSecret, 400, "text"},
		{"text too long", long, now, testSecret, 400, "text"},
		{"url relative", []byte(`{"text":"a claim","url":"/news/1"}`), now, testSecret, 400, "url"},
		{"url not http", []byte(`{"text":"a claim","url":"javascript:alert(1)"}`), now, testSecret, 400, "url"},
		{"url ftp", []byte(`{"text":"a claim","url":"ftp://example.org/x"}`), now, testSecret, 400, "url"},
		{"url an object", []byte(`{"text":"a claim","url":{"href":"https://example.org/"}}`), now, testSecret, 400, "url"},
		{"locality malformed", []byte(`{"text":"a claim","locality":"Porto"}`), now, testSecret, 400, "locality"},
		{"language malformed", []byte(`{"text":"a claim","language":"português"}`), now, testSecret, 400, "language"},
		{"reporter too long", []byte(`{"text":"a claim","reporter":"` + strings.Repeat("r", 1001) + `"}`), now, testSecret, 400, "reporter"},
		{"reporter a list", []byte(`{"text":"a claim","reporter":["a"]}`), now, testSecret, 400, "reporter"},
		{"unknown field", []byte(`{"text":"a claim","reporter_phone":"+351"}`), now, testSecret, 400, "reporter_phone"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, ie, _ := e.post(t, fmt.Sprintf("msg_refused_%d", i), tt.ts, tt.body, tt.secret)
			if status != tt.status {
				t.Fatalf("status %d (%+v), want %d", status, ie, tt.status)
			}
			if ie.Field != tt.field {
				t.Errorf("field %q (%s), want %q", ie.Field, ie.Error, tt.field)
			}
		})
	}

	t.Run("missing signature headers", func(t *testing.T) {
		status, _, _ := e.post(t, "", now, good, testSecret)
		if status != 401 {
			t.Fatalf("status %d, want 401", status)
		}
	})
	t.Run("body changed after signing", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL, bytes.NewReader([]byte(`{"text":"another claim"}`)))
		req.Header.Set("webhook-id", "msg_tampered")
		req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
		req.Header.Set("webhook-signature", hmacSign(t, testSecret, "msg_tampered", now.Unix(), good))
		if status, _, _ := e.do(t, req); status != 401 {
			t.Fatalf("status %d, want 401", status)
		}
	})
	t.Run("signature over another webhook id", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL, bytes.NewReader(good))
		req.Header.Set("webhook-id", "msg_b")
		req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
		req.Header.Set("webhook-signature", hmacSign(t, testSecret, "msg_a", now.Unix(), good))
		if status, _, _ := e.do(t, req); status != 401 {
			t.Fatalf("status %d, want 401", status)
		}
	})
	t.Run("body over the cap without Content-Length", func(t *testing.T) {
		body := []byte(`{"text":"` + strings.Repeat("x", DefaultIntakeMaxBody) + `"}`)
		// A reader of unknown length makes the client send a chunked body.
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL, io.MultiReader(bytes.NewReader(body)))
		req.Header.Set("webhook-id", "msg_chunked")
		req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
		req.Header.Set("webhook-signature", hmacSign(t, testSecret, "msg_chunked", now.Unix(), body))
		if req.ContentLength != 0 {
			t.Fatalf("request has a Content-Length %d", req.ContentLength)
		}
		if status, _, _ := e.do(t, req); status != 413 {
			t.Fatalf("status %d, want 413", status)
		}
	})
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		t.Run("method "+m, func(t *testing.T) {
			req, _ := http.NewRequest(m, e.srv.URL, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
				t.Fatalf("status %d, Allow %q; want 405, POST", resp.StatusCode, resp.Header.Get("Allow"))
			}
		})
	}
	if n := streamCount(t, e.bus.JS, bus.StreamItems); n != 0 {
		t.Errorf("ITEMS holds %d messages after refused tips, want 0", n)
	}
	if n := streamCount(t, e.bus.JS, "KV_"+BucketReporters); n != 0 {
		t.Errorf("the reporters bucket holds %d entries after refused tips, want 0", n)
	}
}

// TestIntakeOfficialVector: the reference libraries' vector verifies (the
// answer is about its payload, not its signature).
func TestIntakeOfficialVector(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t, func(o *IntakeOptions) { o.Now = func() time.Time { return time.Unix(1614265330+60, 0) } })
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL, strings.NewReader(`{"test": 2432232314}`))
	req.Header.Set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
	req.Header.Set("webhook-timestamp", "1614265330")
	req.Header.Set("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	status, ie, _ := e.do(t, req)
	if status != 400 || ie.Field != "test" {
		t.Fatalf("status %d %+v, want 400 naming field test", status, ie)
	}
}

func TestIntakeAccepts(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t, nil)
	const reporter = "Maria Example <maria@example.org> +351 912 345 678"
	body := []byte(`{"text":"  O presidente da câmara disse que o desemprego caiu 40% em Porto.  ",
		"url":"HTTPS://Example.ORG:443/news/1?utm_source=x&b=2&a=1#top",
		"reporter":"` + reporter + `","locality":"pt-1312","language":"pt-PT"}`)
	status, ie, tr := e.post(t, "msg_2a1b", time.Now(), body, testSecret)
	if status != http.StatusAccepted {
		t.Fatalf("status %d %+v, want 202", status, ie)
	}
	wantID := ItemID(TiplineSourceID, "msg_2a1b", "")
	if tr.ID != wantID {
		t.Fatalf("id %q, want %q", tr.ID, wantID)
	}
	// 202 means JetStream has the item already: no waiting here.
	msgs := rawStream(t, e.bus.JS, bus.StreamItems)
	if len(msgs) != 1 {
		t.Fatalf("ITEMS holds %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Subject != "vigie.items.tipline.tipline" {
		t.Errorf("subject %q", m.Subject)
	}
	if got := m.Header.Get("Nats-Msg-Id"); got != wantID {
		t.Errorf("Nats-Msg-Id %q, want %q", got, wantID)
	}
	for _, piece := range []string{reporter, "Maria", "maria@example.org", "912 345 678"} {
		if bytes.Contains(m.Data, []byte(piece)) {
			t.Errorf("the stream message carries the reporter's %q", piece)
		}
		for k, vs := range m.Header {
			for _, v := range vs {
				if strings.Contains(v, piece) {
					t.Errorf("header %s carries the reporter's %q", k, piece)
				}
			}
		}
	}
	it, err := codec.DecodeItem(m.Data)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"id", it.ID, wantID},
		{"kind", string(it.Kind), string(claims.SourceTipline)},
		{"source", it.SourceID, "tipline"},
		{"text", it.Text, "O presidente da câmara disse que o desemprego caiu 40% em Porto."},
		{"url", it.URL, "https://example.org/news/1?a=1&b=2"},
		{"language", it.Language, "pt"},
		{"localities", strings.Join(it.Localities, ","), "PT-1312"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	ref := it.ReporterRef
	if ref == "" {
		t.Fatal("no reporter_ref on the item")
	}
	ctx := context.Background()
	rep, err := e.intake.Reporter(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Reporter != reporter || rep.ItemID != wantID || rep.Ref != ref || rep.Received.IsZero() {
		t.Errorf("reporter entry %+v", rep)
	}

	// Erasure: the entry is gone, the bucket's stream keeps no copy of it,
	// and the item is untouched.
	if err := e.intake.DeleteReporter(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if _, err := e.intake.Reporter(ctx, ref); !errors.Is(err, ErrReporterNotFound) {
		t.Fatalf("after erasure: %v, want ErrReporterNotFound", err)
	}
	for _, m := range rawStream(t, e.bus.JS, "KV_"+BucketReporters) {
		if bytes.Contains(m.Data, []byte("Maria")) {
			t.Errorf("the reporters bucket still holds the identity at seq %d", m.Sequence)
		}
	}
	if n := streamCount(t, e.bus.JS, bus.StreamItems); n != 1 {
		t.Errorf("ITEMS holds %d messages after erasure, want 1", n)
	}
	if err := e.intake.DeleteReporter(ctx, "../etc"); !errors.Is(err, ErrReporterNotFound) {
		t.Errorf("erasing a malformed ref: %v", err)
	}
}

func TestIntakeSameWebhookTwice(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t, nil)
	body := []byte(`{"text":"A ponte vai fechar durante seis meses.","reporter":"someone@example.org"}`)
	var ids []string
	for i := range 3 {
		// The sender retries with the same webhook-id and a fresh timestamp.
		status, ie, tr := e.post(t, "msg_retry", time.Now().Add(time.Duration(i)*time.Second), body, testSecret)
		if status != http.StatusAccepted {
			t.Fatalf("delivery %d: status %d %+v", i, status, ie)
		}
		ids = append(ids, tr.ID)
	}
	if ids[0] != ids[1] || ids[1] != ids[2] {
		t.Fatalf("ids differ across deliveries: %v", ids)
	}
	if n := streamCount(t, e.bus.JS, bus.StreamItems); n != 1 {
		t.Fatalf("ITEMS holds %d messages, want 1", n)
	}
	if n := streamCount(t, e.bus.JS, "KV_"+BucketReporters); n != 1 {
		t.Fatalf("the reporters bucket holds %d entries, want 1", n)
	}
	// Another webhook id is another tip.
	if status, _, tr := e.post(t, "msg_other", time.Now(), body, testSecret); status != 202 || tr.ID == ids[0] {
		t.Fatalf("second tip: %d %q", status, tr.ID)
	}
	if n := streamCount(t, e.bus.JS, bus.StreamItems); n != 2 {
		t.Fatalf("ITEMS holds %d messages, want 2", n)
	}
}

// TestIntakeConcurrentDeliveries: deliveries of one webhook racing each
// other give one item and leave one reporter entry, the one it refers to.
func TestIntakeConcurrentDeliveries(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t, nil)
	body := []byte(`{"text":"Concurrent tip.","reporter":"racer@example.org"}`)
	const n = 8
	type result struct {
		status int
		id     string
	}
	results := make(chan result, n)
	now := time.Now()
	for range n {
		go func() {
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL, bytes.NewReader(body))
			req.Header.Set("webhook-id", "msg_race")
			req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
			req.Header.Set("webhook-signature", hmacSign(t, testSecret, "msg_race", now.Unix(), body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				results <- result{status: -1}
				return
			}
			defer resp.Body.Close()
			var tr TipResponse
			_ = json.NewDecoder(resp.Body).Decode(&tr)
			results <- result{resp.StatusCode, tr.ID}
		}()
	}
	for range n {
		r := <-results
		if r.status != http.StatusAccepted || r.id != ItemID(TiplineSourceID, "msg_race", "") {
			t.Fatalf("delivery answered %d %q", r.status, r.id)
		}
	}
	msgs := rawStream(t, e.bus.JS, bus.StreamItems)
	if len(msgs) != 1 {
		t.Fatalf("ITEMS holds %d messages, want 1", len(msgs))
	}
	it, err := codec.DecodeItem(msgs[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := e.kv.ListKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var live []string
	for k := range keys.Keys() {
		live = append(live, k)
	}
	if len(live) != 1 || live[0] != it.ReporterRef {
		t.Fatalf("reporter entries %v, want only the item's %q", live, it.ReporterRef)
	}
}

func TestIntakeSecretRotation(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t, func(o *IntakeOptions) { o.Secrets = []string{otherSecret, testSecret} })
	for i, s := range []string{testSecret, otherSecret} {
		status, ie, _ := e.post(t, fmt.Sprintf("msg_rot_%d", i), time.Now(), []byte(`{"text":"a claim"}`), s)
		if status != 202 {
			t.Fatalf("secret %d: status %d %+v", i, status, ie)
		}
	}
}

func TestNewIntakeRefusesBadOptions(t *testing.T) {
	t.Parallel()
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	svc := newService(t, b, nil)
	kv, err := OpenReporters(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	// Declaring the bucket again is harmless.
	if _, err := OpenReporters(context.Background(), b); err != nil {
		t.Fatalf("second declaration: %v", err)
	}
	tests := []struct {
		name string
		svc  *Service
		opts IntakeOptions
	}{
		{"no service", nil, IntakeOptions{Secrets: []string{testSecret}, Reporters: kv}},
		{"no secret", svc, IntakeOptions{Reporters: kv}},
		{"secret not base64", svc, IntakeOptions{Secrets: []string{"whsec_%%%"}, Reporters: kv}},
		{"secret too short", svc, IntakeOptions{Secrets: []string{"whsec_" + base64.StdEncoding.EncodeToString([]byte("short"))}, Reporters: kv}},
		{"no bucket", svc, IntakeOptions{Secrets: []string{testSecret}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewIntake(tt.svc, tt.opts); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestReadSecretFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name    string
		content string
		want    int
		wantErr bool
	}{
		{"one secret", testSecret + "\n", 1, false},
		{"rotation with comments", "# current\n" + testSecret + "\n\n# next\n  " + otherSecret + "  \n", 2, false},
		{"empty", "\n# nothing\n", 0, true},
		{"garbage", "not a secret\n", 0, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strconv.Itoa(i))
			if err := os.WriteFile(p, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadSecretFile(p)
			if (err != nil) != tt.wantErr || len(got) != tt.want {
				t.Fatalf("got %d secrets, err %v; want %d, error %v", len(got), err, tt.want, tt.wantErr)
			}
		})
	}
	if _, err := ReadSecretFile(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("missing file accepted")
	}
}

func TestParseTip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  string
		want  Tip
		field string
	}{
		{"minimal", `{"text":"x"}`, Tip{Text: "x"}, ""},
		{"nulls are absent", `{"text":"x","url":null,"locality":null}`, Tip{Text: "x"}, ""},
		{"exactly the text limit", `{"text":"` + strings.Repeat("é", MaxTipTextChars) + `"}`, Tip{Text: strings.Repeat("é", MaxTipTextChars)}, ""},
		{"one over the text limit", `{"text":"` + strings.Repeat("é", MaxTipTextChars+1) + `"}`, Tip{}, "text"},
		{"locality and language normalised", `{"text":"x","locality":" fr-75056 ","language":"FR_ca"}`, Tip{Text: "x", Locality: "FR-75056", Language: "fr"}, ""},
		{"url canonical", `{"text":"x","url":"http://EXAMPLE.org:80/a/../b?fbclid=1"}`, Tip{Text: "x", URL: "http://example.org/b"}, ""},
		{"url without host", `{"text":"x","url":"https://"}`, Tip{}, "url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ferr := ParseTip([]byte(tt.body))
			if tt.field != "" {
				if ferr == nil || ferr.Field != tt.field {
					t.Fatalf("error %v, want one naming %q", ferr, tt.field)
				}
				return
			}
			if ferr != nil {
				t.Fatal(ferr)
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// FuzzParseTip: any body gives a valid tip or a field error, never a panic,
// and an accepted tip respects every bound.
func FuzzParseTip(f *testing.F) {
	f.Add([]byte(`{"text":"a claim","url":"https://example.org/a?utm_source=x","reporter":"r","locality":"PT-1312","language":"pt-BR"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		tip, ferr := ParseTip(body)
		if ferr != nil {
			if ferr.Msg == "" {
				t.Fatal("field error without a message")
			}
			return
		}
		if tip.Text == "" || len([]rune(tip.Text)) > MaxTipTextChars || len([]rune(tip.Reporter)) > MaxReporterChars {
			t.Fatalf("accepted out-of-bounds tip %+v", tip)
		}
		if tip.URL != "" && !strings.HasPrefix(tip.URL, "http://") && !strings.HasPrefix(tip.URL, "https://") {
			t.Fatalf("accepted url %q", tip.URL)
		}
		if tip.Locality != "" && !localityPattern.MatchString(tip.Locality) {
			t.Fatalf("accepted locality %q", tip.Locality)
		}
	})
}

func BenchmarkParseTip(b *testing.B) {
	body := []byte(`{"text":"` + strings.Repeat("O presidente disse que o desemprego caiu 40%. ", 40) + `","url":"https://example.org/a?utm_source=x&b=1","reporter":"r@example.org","locality":"PT-1312","language":"pt-PT"}`)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, ferr := ParseTip(body); ferr != nil {
			b.Fatal(ferr)
		}
	}
}

// BenchmarkIntakeServeHTTP measures one accepted tip end to end: verify,
// parse, store the reporter, publish and wait for JetStream.
func BenchmarkIntakeServeHTTP(b *testing.B) {
	bb := bustest.Bus(b, bustest.Server(b), bus.DefaultTopology())
	svc, err := New(context.Background(), bb, Options{}, zap.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	kv, err := OpenReporters(context.Background(), bb)
	if err != nil {
		b.Fatal(err)
	}
	in, err := NewIntake(svc, IntakeOptions{Secrets: []string{testSecret}, Reporters: kv})
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"text":"O presidente disse que o desemprego caiu 40% no Porto.","reporter":"r@example.org","locality":"PT-1312"}`)
	i := 0
	for b.Loop() {
		i++
		id := "msg_" + strconv.Itoa(i)
		ts := time.Now().Unix()
		req := httptest.NewRequest(http.MethodPost, "/api/v1/intake", bytes.NewReader(body))
		req.Header.Set("webhook-id", id)
		req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("webhook-signature", hmacSign(b, testSecret, id, ts, body))
		rec := httptest.NewRecorder()
		in.ServeHTTP(rec, req)
		if rec.Code != http.StatusAccepted {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// TestIntakeNoAckNo202: with JetStream gone, a valid tip is answered 503,
// never 202.
func TestIntakeNoAckNo202(t *testing.T) {
	t.Parallel()
	ns := bustest.Server(t)
	b := bustest.Bus(t, ns, bus.DefaultTopology())
	svc := newService(t, b, nil)
	kv, err := OpenReporters(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	in, err := NewIntake(svc, IntakeOptions{Secrets: []string{testSecret}, Reporters: kv})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(in)
	defer srv.Close()
	e := &intakeEnv{bus: b, svc: svc, intake: in, srv: srv, kv: kv}
	ns.Shutdown()
	ns.WaitForShutdown()
	status, ie, _ := e.post(t, "msg_noack", time.Now(), []byte(`{"text":"a tip while NATS is down","reporter":"x"}`), testSecret)
	if status != http.StatusServiceUnavailable {
		t.Fatalf("status %d %+v, want 503", status, ie)
	}
}
