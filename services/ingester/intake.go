package ingester

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/bus"
	"vigie/pipeline/disk"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/link"
	"vigie/pipeline/webhook"
)

// BucketReporters is the KV bucket holding the identity of tip reporters,
// one erasable entry per tip, keyed by a random reference. It is declared
// here until it moves to pipeline/bus/names.go.
const BucketReporters = bus.BucketReporters

// TiplineSourceID is the source id of every tip sent to the intake.
const TiplineSourceID = "tipline"

// Bounds of a tip.
const (
	// DefaultIntakeMaxBody is the default cap on a tip's body (64 KiB).
	DefaultIntakeMaxBody = 64 << 10
	// MaxTipTextChars bounds a tip's text, in characters.
	MaxTipTextChars = 20_000
	// MaxReporterChars bounds a reporter's identity, in characters.
	MaxReporterChars = 1_000
)

// ErrReporterNotFound is returned for a reporter reference with no entry
// (never stored, or erased).
var ErrReporterNotFound = errors.New("reporter not found")

// IntakeOptions configure the tipline intake.
type IntakeOptions struct {
	// Secrets are the Standard Webhooks secrets ("whsec_…") a tip may be
	// signed with; several during a rotation. At least one is required.
	Secrets []string
	// MaxBodyBytes caps a tip's body; larger bodies get 413 (default 64 KiB).
	MaxBodyBytes int64
	// Reporters is the bucket of reporter identities (see OpenReporters).
	Reporters jetstream.KeyValue
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Intake is the HTTP handler of POST /api/v1/intake: it verifies a signed
// tip, stores the reporter's identity apart, and answers 202 once the tip
// is an item acknowledged by JetStream.
type Intake struct {
	svc      *Service
	verifier *webhook.Verifier
	store    *ReporterStore
	maxBody  int64
	now      func() time.Time
	log      *zap.Logger
}

// NewIntake returns the intake handler publishing through svc.
func NewIntake(svc *Service, opts IntakeOptions) (*Intake, error) {
	if svc == nil {
		return nil, errors.New("new intake: no ingester service")
	}
	if len(opts.Secrets) == 0 {
		return nil, errors.New("new intake: no webhook secret")
	}
	v, err := webhook.NewVerifier(opts.Secrets...)
	if err != nil {
		return nil, fmt.Errorf("new intake: %w", err)
	}
	if opts.Reporters == nil {
		return nil, errors.New("new intake: no reporters bucket")
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultIntakeMaxBody
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Intake{
		svc: svc, verifier: v, store: NewReporterStore(opts.Reporters),
		maxBody: opts.MaxBodyBytes, now: opts.Now, log: svc.log.Named("intake"),
	}, nil
}

// OpenReporters opens the reporters bucket, declared with the rest of the
// topology (pipeline/bus names.go).
func OpenReporters(ctx context.Context, b *bus.Bus) (jetstream.KeyValue, error) {
	return b.KV(ctx, BucketReporters)
}

// ReadSecretFile reads the intake secrets from a file: one "whsec_…" per
// line; blank lines and lines starting with '#' are skipped.
func ReadSecretFile(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read intake secret file: %w", err)
	}
	var out []string
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if _, err := webhook.ParseSecret(line); err != nil {
			return nil, fmt.Errorf("read intake secret file %s: %w", path, err)
		}
		out = append(out, line)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read intake secret file %s: no secret", path)
	}
	return out, nil
}

// Reporters returns the store of reporter identities, for the erasure and
// the role-guarded reading the reviewer offers.
func (in *Intake) Reporters() *ReporterStore { return in.store }

// Reporter returns the identity behind a reporter reference. Personal data:
// the caller checks the role of whoever asks.
func (in *Intake) Reporter(ctx context.Context, ref string) (Reporter, error) {
	return in.store.Reporter(ctx, ref)
}

// DeleteReporter erases the identity behind a reporter reference.
func (in *Intake) DeleteReporter(ctx context.Context, ref string) error {
	return in.store.DeleteReporter(ctx, ref)
}

// TipResponse is the body of a 202 answer.
type TipResponse struct {
	ID string `json:"id"`
}

// refuseLowDisk answers a tip that arrives while the data folder is nearly
// full: 507 with a Retry-After, which a Standard Webhooks sender retries. The
// folder and its figures stay in the server's log, not in the answer.
func refuseLowDisk(w http.ResponseWriter) {
	p := httpapi.ProblemOf(httpapi.Errorf(disk.ErrLow, "tip not stored: the server's storage is nearly full, retry later"))
	p.RetryAfter = DiskWait
	httpapi.WriteProblem(w, p)
}

// refuse answers err as httpapi's table says (an httpapi.ErrorBody, whose
// Field names the offending JSON field or header when there is one); the
// intake logs what the server must know itself.
func refuse(w http.ResponseWriter, r *http.Request, err error) {
	httpapi.WriteError(w, r, nil, err)
}

// errNotStored answers a tip that could not be stored for now.
var errNotStored = httpapi.Errorf(httpapi.ErrUnavailable, "tip not stored, retry later")

// Routes declares the intake's one route, public to the role policy (the
// Standard Webhooks signature is the credential) and taking every method:
// ServeHTTP answers 405 in JSON to any but POST.
func (in *Intake) Routes() []account.Route {
	return []account.Route{{Pattern: "/api/v1/intake", Access: account.AccessPublic, Handler: in}}
}

// Handler serves the routes of Routes through p (which must hold them).
func (in *Intake) Handler(p *account.Policy) http.Handler {
	return p.Mux(in.Routes(), nil)
}

// ServeHTTP handles one tip.
func (in *Intake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		refuse(w, r, httpapi.Errorf(httpapi.ErrMethodNotAllowed, "method not allowed: use POST"))
		return
	}
	tooLarge := httpapi.Errorf(httpapi.ErrTooLarge, "body larger than %d bytes", in.maxBody)
	if r.ContentLength > in.maxBody {
		refuse(w, r, tooLarge)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, in.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			refuse(w, r, tooLarge)
			return
		}
		refuse(w, r, httpapi.Errorf(httpapi.ErrBadRequest, "read body: %v", err))
		return
	}
	if err := in.verifier.Verify(r.Header, body, in.now()); err != nil {
		in.log.Info("tip refused: bad signature", zap.Error(err))
		refuse(w, r, httpapi.Errorf(httpapi.ErrUnauthorized, "%s", signatureReason(err)))
		return
	}
	tip, ferr := ParseTip(body)
	if ferr != nil {
		refuse(w, r, &httpapi.FieldError{Field: ferr.Field, Message: ferr.Msg})
		return
	}
	if err := in.svc.opts.Disk.Check(); err != nil {
		refuseLowDisk(w) // the guard logs the state with the figures
		return
	}
	webhookID := r.Header.Get(webhook.HeaderID)
	id := ItemID(TiplineSourceID, webhookID, "")
	ctx := r.Context()

	// A retried delivery of an item already published is answered at once,
	// without storing its reporter a second time.
	if _, err := in.svc.seen.Get(ctx, id); err == nil {
		httpapi.WriteJSON(w, http.StatusAccepted, TipResponse{ID: id})
		return
	} else if !errors.Is(err, jetstream.ErrKeyNotFound) {
		in.log.Error("tip not stored", zap.String("item_id", id), zap.Error(err))
		refuse(w, r, errNotStored)
		return
	}
	it := claims.Item{
		ID:         id,
		SourceID:   TiplineSourceID,
		SourceName: "Tipline",
		Kind:       claims.SourceTipline,
		URL:        tip.URL,
		Text:       tip.Text,
		Language:   tip.Language,
		Fetched:    in.now().UTC(),
		GUID:       webhookID,
	}
	if tip.Locality != "" {
		it.Localities = []string{tip.Locality}
	}
	if tip.Reporter != "" {
		ref, err := in.store.put(ctx, Reporter{Reporter: tip.Reporter, ItemID: id, Received: in.now().UTC()})
		if err != nil {
			in.log.Error("tip not stored", zap.String("item_id", id), zap.Error(err))
			refuse(w, r, errNotStored)
			return
		}
		it.ReporterRef = ref
	}
	isNew, err := in.svc.Publish(ctx, it)
	if err != nil {
		// The entry is kept: JetStream may hold the item (the failure can
		// come after its acknowledgement), and the entry names its item, so
		// it stays erasable.
		if errors.Is(err, disk.ErrLow) {
			refuseLowDisk(w)
			return
		}
		in.log.Error("tip not published", zap.String("item_id", id), zap.Error(err))
		refuse(w, r, errNotStored)
		return
	}
	if !isNew && it.ReporterRef != "" {
		// A concurrent or earlier delivery published the item with its own
		// reference: this entry is referred to by nothing.
		if err := in.store.DeleteReporter(context.WithoutCancel(ctx), it.ReporterRef); err != nil {
			in.log.Warn("unreferenced reporter entry not erased", zap.String("item_id", id), zap.Error(err))
		}
	}
	in.log.Info("tip accepted", zap.String("item_id", id), zap.String("webhook_id", webhookID))
	httpapi.WriteJSON(w, http.StatusAccepted, TipResponse{ID: id})
}

// signatureReason is the message of a 401, naming what was wrong without
// echoing any secret material.
func signatureReason(err error) string {
	switch {
	case errors.Is(err, webhook.ErrMissingHeader):
		return "missing webhook-id, webhook-timestamp or webhook-signature header"
	case errors.Is(err, webhook.ErrTimestampTooOld), errors.Is(err, webhook.ErrTimestampTooNew):
		return "webhook timestamp outside the tolerance"
	case errors.Is(err, webhook.ErrInvalidTimestamp):
		return "invalid webhook timestamp"
	case errors.Is(err, webhook.ErrInvalidMessageID):
		return "invalid webhook id"
	default:
		return "invalid webhook signature"
	}
}

// Tip is a validated tip.
type Tip struct {
	// Text is the tip's text, trimmed, at most MaxTipTextChars characters.
	Text string
	// URL is the canonical form of the link given, if any.
	URL string
	// Reporter is who sent the tip, as given; personal data.
	Reporter string
	// Locality is a municipality code such as PT-1312, upper case.
	Locality string
	// Language is the primary language subtag, lower case.
	Language string
}

// FieldError is a tip or import record refused because of one field.
type FieldError struct {
	// Field is the JSON field (or CSV column) at fault; empty for a body
	// that is not a JSON object at all.
	Field string
	// Msg says what is wrong.
	Msg string
}

// Error names the field and what is wrong with it.
func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

type tipRequest struct {
	Text     string `json:"text"`
	URL      string `json:"url"`
	Reporter string `json:"reporter"`
	Locality string `json:"locality"`
	Language string `json:"language"`
}

// ParseTip decodes and validates a tip body: a JSON object with a required
// text and optional url, reporter, locality and language; unknown fields
// are refused.
func ParseTip(body []byte) (Tip, *FieldError) {
	var req tipRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return Tip{}, jsonFieldError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Tip{}, &FieldError{Msg: "invalid JSON: data after the object"}
	}
	text, ferr := checkText("text", req.Text, MaxTipTextChars)
	if ferr != nil {
		return Tip{}, ferr
	}
	tip := Tip{Text: text}
	if tip.URL, ferr = checkURL("url", req.URL); ferr != nil {
		return Tip{}, ferr
	}
	if tip.Locality, ferr = checkLocality("locality", req.Locality); ferr != nil {
		return Tip{}, ferr
	}
	if tip.Language, ferr = checkLanguage("language", req.Language); ferr != nil {
		return Tip{}, ferr
	}
	rep := strings.TrimSpace(req.Reporter)
	if utf8.RuneCountInString(rep) > MaxReporterChars {
		return Tip{}, &FieldError{Field: "reporter", Msg: fmt.Sprintf("longer than %d characters", MaxReporterChars)}
	}
	tip.Reporter = rep
	return tip, nil
}

// jsonFieldError names the field of a JSON decoding error when there is one.
func jsonFieldError(err error) *FieldError {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var fe *FieldError
	switch {
	case errors.As(err, &fe):
		return fe
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return &FieldError{Msg: "invalid JSON: the body must be an object"}
		}
		return &FieldError{Field: field, Msg: fmt.Sprintf("must be a %s, not a JSON %s", te.Type, te.Value)}
	case errors.As(err, &se):
		return &FieldError{Msg: fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, se)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &FieldError{Msg: "invalid JSON: empty or truncated body"}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &FieldError{Field: strings.Trim(name, `"`), Msg: "unknown field"}
	}
	return &FieldError{Msg: "invalid JSON: " + err.Error()}
}

// checkText trims a required text and bounds its length.
func checkText(field, s string, maxChars int) (string, *FieldError) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", &FieldError{Field: field, Msg: "required"}
	case !utf8.ValidString(s):
		return "", &FieldError{Field: field, Msg: "not valid UTF-8"}
	case maxChars > 0 && utf8.RuneCountInString(s) > maxChars:
		return "", &FieldError{Field: field, Msg: fmt.Sprintf("longer than %d characters", maxChars)}
	}
	return s, nil
}

// checkURL canonicalises an optional absolute http(s) URL.
func checkURL(field, s string) (string, *FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	c, err := link.Canonical(s)
	if err != nil {
		msg := "must be an absolute http or https URL"
		if errors.Is(err, link.ErrHost) {
			msg = "invalid host"
		}
		return "", &FieldError{Field: field, Msg: msg}
	}
	return c, nil
}

var localityPattern = regexp.MustCompile(`^[A-Z]{2}-[A-Z0-9]{1,12}$`)

// checkLocality validates an optional municipality code such as PT-1312 or
// FR-75056 (country, '-', code); it is returned upper case.
func checkLocality(field, s string) (string, *FieldError) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	if !localityPattern.MatchString(s) {
		return "", &FieldError{Field: field, Msg: "must be a locality code like PT-1312"}
	}
	return s, nil
}

// checkLanguage validates an optional language tag (claims.ParseLanguage)
// and keeps its primary subtag, lower case.
func checkLanguage(field, s string) (string, *FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	l, err := claims.ParseLanguage(s)
	if err != nil {
		return "", &FieldError{Field: field, Msg: "must be a language tag like pt or pt-BR"}
	}
	return l.Base(), nil
}

// Reporter is the identity behind a tip, stored outside the streams.
type Reporter struct {
	// Ref is the random reference items carry (Item.reporter_ref).
	Ref string `json:"ref"`
	// Reporter is who sent the tip, as given (a name, an address, a number).
	Reporter string `json:"reporter"`
	// ItemID is the tip's item.
	ItemID string `json:"item_id"`
	// Received is when the tip arrived.
	Received time.Time `json:"received"`
}

// ReporterStore keeps reporter identities in the reporters bucket, each
// under a random reference, so that erasing one leaves the append-only
// streams untouched.
type ReporterStore struct {
	kv jetstream.KeyValue
}

// NewReporterStore returns a store over the reporters bucket.
func NewReporterStore(kv jetstream.KeyValue) *ReporterStore { return &ReporterStore{kv: kv} }

// put stores a reporter under a fresh random reference and returns it.
func (s *ReporterStore) put(ctx context.Context, r Reporter) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store reporter: %w", err)
	}
	r.Ref = hex.EncodeToString(b)
	data, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("store reporter: %w", err)
	}
	if _, err := s.kv.Create(ctx, r.Ref, data); err != nil {
		return "", fmt.Errorf("store reporter: %w", err)
	}
	return r.Ref, nil
}

var refPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// Reporter returns the identity behind ref, or ErrReporterNotFound. It is
// personal data: callers show it only to roles that need it.
func (s *ReporterStore) Reporter(ctx context.Context, ref string) (Reporter, error) {
	if !refPattern.MatchString(ref) {
		return Reporter{}, fmt.Errorf("read reporter %q: %w", ref, ErrReporterNotFound)
	}
	e, err := s.kv.Get(ctx, ref)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Reporter{}, fmt.Errorf("read reporter %s: %w", ref, ErrReporterNotFound)
	}
	if err != nil {
		return Reporter{}, fmt.Errorf("read reporter %s: %w", ref, err)
	}
	var r Reporter
	if err := json.Unmarshal(e.Value(), &r); err != nil {
		return Reporter{}, fmt.Errorf("read reporter %s: %w", ref, err)
	}
	return r, nil
}

// DeleteReporter erases the identity behind ref: the entry and its history
// are purged from the bucket. Erasing an unknown reference is not an error.
func (s *ReporterStore) DeleteReporter(ctx context.Context, ref string) error {
	if !refPattern.MatchString(ref) {
		return fmt.Errorf("erase reporter %q: %w", ref, ErrReporterNotFound)
	}
	if err := s.kv.Purge(ctx, ref); err != nil {
		return fmt.Errorf("erase reporter %s: %w", ref, err)
	}
	return nil
}
