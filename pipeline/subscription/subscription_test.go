package subscription

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/claims"
	"vigie/pipeline/webhook"
)

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func valid() Subscription {
	return Subscription{Name: "Ville de Paris", Owner: "paris", Localities: []string{"FR-75056"}, MinSeverity: 2,
		Triggers: []claims.AlertKind{claims.AlertFlagged},
		Webhooks: []Webhook{{ID: "whabc", URL: "https://hooks.paris.example/vigie", Secrets: []string{testSecret}, Enabled: true}}}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		edit   func(*Subscription)
		fields []string // the fields reported, in order; none means valid
	}{
		{"valid", func(*Subscription) {}, nil},
		{"no name", func(s *Subscription) { s.Name = "" }, []string{"name"}},
		{"no owner", func(s *Subscription) { s.Owner = "" }, []string{"owner"}},
		{"no locality", func(s *Subscription) { s.Localities = nil }, []string{"localities"}},
		{"bad locality", func(s *Subscription) { s.Localities = []string{"Paris"} }, []string{"localities"}},
		{"dotted locality", func(s *Subscription) { s.Localities = []string{"MA-CS.CB"} }, nil},
		{"severity too high", func(s *Subscription) { s.MinSeverity = 6 }, []string{"min_severity"}},
		{"bad language", func(s *Subscription) { s.Languages = []string{"french!"} }, []string{"languages"}},
		{"bad trigger", func(s *Subscription) { s.Triggers = []claims.AlertKind{"sometimes"} }, []string{"triggers"}},
		{"feed without token", func(s *Subscription) { s.Feed.Enabled = true }, []string{"feed"}},
		{"webhook ftp", func(s *Subscription) { s.Webhooks[0].URL = "ftp://x.example/" }, []string{"webhooks[0].url"}},
		{"webhook user info", func(s *Subscription) { s.Webhooks[0].URL = "https://u:p@x.example/" }, []string{"webhooks[0].url"}},
		{"webhook short secret", func(s *Subscription) { s.Webhooks[0].Secrets = []string{"whsec_c2hvcnQ="} }, []string{"webhooks[0].secrets"}},
		{"webhook no secret", func(s *Subscription) { s.Webhooks[0].Secrets = nil }, []string{"webhooks[0].secrets"}},
		{"webhook duplicate id", func(s *Subscription) { s.Webhooks = append(s.Webhooks, s.Webhooks[0]) }, []string{"webhooks[1].id"}},
		{"several problems", func(s *Subscription) { s.Name, s.MinSeverity = "", 9 }, []string{"name", "min_severity"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := valid()
			tt.edit(&s)
			err := s.Validate()
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate() = %v, want a *ValidationError matching ErrInvalid", err)
			}
			var got []string
			for _, f := range ve.Fields {
				got = append(got, f.Field)
				if f.Message == "" {
					t.Errorf("field %s has no message", f.Field)
				}
			}
			if !slices.Equal(got, tt.fields) {
				t.Errorf("fields %v, want %v (%v)", got, tt.fields, err)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	s := Subscription{Name: "  Porto ", Localities: []string{"pt-1312", "PT-1312", " "}, Keywords: []string{"Ponte", "ponte"},
		Languages: []string{"PT", "pt"}}.Normalize()
	switch {
	case s.Name != "Porto":
		t.Errorf("name %q", s.Name)
	case !slices.Equal(s.Localities, []string{"PT-1312"}):
		t.Errorf("localities %v", s.Localities)
	case !slices.Equal(s.Keywords, []string{"ponte"}) || !slices.Equal(s.Languages, []string{"pt"}):
		t.Errorf("keywords %v languages %v", s.Keywords, s.Languages)
	case !slices.Equal(s.Triggers, claims.AlertKinds) || s.MinSeverity != 1:
		t.Errorf("defaults: triggers %v severity %d", s.Triggers, s.MinSeverity)
	}
}

func TestMatches(t *testing.T) {
	t.Parallel()
	base := Subscription{Localities: []string{"FR-75056", "FR-13055"}, MinSeverity: 2, Triggers: []claims.AlertKind{claims.AlertFlagged, claims.AlertVerdict}}
	ev := Event{Trigger: claims.AlertFlagged, Localities: []string{"FR-69123", "FR-13055"}, Language: "fr-FR", Severity: 3,
		Text: "L'eau du robinet à Marseille est polluée"}
	tests := []struct {
		name    string
		sub     func(Subscription) Subscription
		ev      func(Event) Event
		wantLoc string
	}{
		{"locality in common", nil, nil, "FR-13055"},
		{"other locality", nil, func(e Event) Event { e.Localities = []string{"PT-1312"}; return e }, ""},
		{"trigger not followed", nil, func(e Event) Event { e.Trigger = claims.AlertTrending; return e }, ""},
		{"below severity", nil, func(e Event) Event { e.Severity = 1; return e }, ""},
		{"language prefix", func(s Subscription) Subscription { s.Languages = []string{"fr"}; return s }, nil, "FR-13055"},
		{"other language", func(s Subscription) Subscription { s.Languages = []string{"pt"}; return s }, nil, ""},
		{"keyword without accents", func(s Subscription) Subscription { s.Keywords = []string{"polluee"}; return s }, nil, "FR-13055"},
		{"keyword is a whole word", func(s Subscription) Subscription { s.Keywords = []string{"pollu"}; return s }, nil, ""},
		{"keyword phrase", func(s Subscription) Subscription { s.Keywords = []string{"eau du robinet"}; return s }, nil, "FR-13055"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e := base, ev
			if tt.sub != nil {
				s = tt.sub(s)
			}
			if tt.ev != nil {
				e = tt.ev(e)
			}
			for _, e := range []Event{e, e.Prepare()} {
				loc, ok := s.Matches(e)
				if ok != (tt.wantLoc != "") || loc != tt.wantLoc {
					t.Errorf("Matches = %q, %v; want %q", loc, ok, tt.wantLoc)
				}
			}
		})
	}
}

func TestFeedToken(t *testing.T) {
	t.Parallel()
	var s Subscription
	if s.CheckToken("") || s.CheckToken("anything") {
		t.Fatal("a subscription without a feed accepts a token")
	}
	tok := s.RotateToken(time.Now())
	if !s.CheckToken(tok) || s.CheckToken(tok+"x") || strings.Contains(s.Feed.TokenHash, tok) {
		t.Fatalf("token %q: check or storage wrong (hash %q)", tok, s.Feed.TokenHash)
	}
	tok2 := s.RotateToken(time.Now())
	if s.CheckToken(tok) || !s.CheckToken(tok2) {
		t.Error("rotation did not replace the token")
	}
	s.RevokeToken()
	if s.CheckToken(tok2) || s.Feed.Enabled {
		t.Error("revoked token still opens the feed")
	}
}

func TestPublicHidesSecrets(t *testing.T) {
	t.Parallel()
	s := valid()
	s.RotateToken(time.Now())
	p := s.Public()
	if p.Feed.TokenHash != "" || p.Webhooks[0].Secrets != nil {
		t.Errorf("public view leaks secrets: %+v", p)
	}
	if s.Webhooks[0].Secrets == nil {
		t.Error("Public changed the original")
	}
}

func TestWebhookActive(t *testing.T) {
	t.Parallel()
	w := Webhook{Enabled: true}
	if !w.Active() {
		t.Error("enabled webhook not active")
	}
	w.Health = w.Health.Observe(webhook.Attempt{Outcome: webhook.OutcomeGone, Time: time.Now()}, webhook.DisablePolicy{})
	if w.Active() {
		t.Error("webhook disabled by its health is active")
	}
}

// FuzzNormalize: normalising is idempotent and validation never panics.
func FuzzNormalize(f *testing.F) {
	f.Add("Paris", "FR-75056", "eau", "fr", 2, "flagged", "https://x.example/h")
	f.Add(" ", "ma-cs.cb", "Ponte D. Luís", "PT-br", 0, "", "http://[::1]:80/")
	f.Fuzz(func(t *testing.T, name, loc, kw, lang string, sev int, trig, u string) {
		s := Subscription{Name: name, Owner: "o", Localities: []string{loc, loc}, Keywords: []string{kw}, Languages: []string{lang},
			MinSeverity: sev, Triggers: []claims.AlertKind{claims.AlertKind(trig)},
			Webhooks: []Webhook{{ID: "whaa", URL: u, Secrets: []string{testSecret}}}}
		n := s.Normalize()
		n2 := n.Normalize()
		if !slices.Equal(n.Localities, n2.Localities) || !slices.Equal(n.Keywords, n2.Keywords) || n.Name != n2.Name ||
			!slices.Equal(n.Triggers, n2.Triggers) || n.MinSeverity != n2.MinSeverity {
			t.Fatalf("Normalize not idempotent: %+v then %+v", n, n2)
		}
		_ = n.Validate()
		_, _ = n.Matches(Event{Trigger: claims.AlertFlagged, Localities: []string{loc}, Language: lang, Severity: 5, Text: kw})
	})
}

func BenchmarkMatches(b *testing.B) {
	subs := make([]Subscription, 500)
	for i := range subs {
		subs[i] = Subscription{Localities: []string{"FR-75056", "FR-13055"}, MinSeverity: 1, Triggers: claims.AlertKinds,
			Keywords: []string{"eau", "pont", "vaccin"}, Languages: []string{"fr"}}
		if i%2 == 0 {
			subs[i].Localities = []string{"PT-1312"}
		}
	}
	ev := Event{Trigger: claims.AlertFlagged, Localities: []string{"FR-75056"}, Language: "fr", Severity: 3,
		Text: "L'eau du robinet à Paris est impropre à la consommation, selon un message viral."}.Prepare()
	for b.Loop() {
		for _, s := range subs {
			s.Matches(ev)
		}
	}
}
