package mastodon

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
)

func TestParseTimelineURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		base string
		spec TimelineSpec
		err  bool
	}{
		{in: "https://mastodon.social", base: "https://mastodon.social", spec: TimelineSpec{Kind: KindPublic}},
		{in: "https://mastodon.social/public/local", base: "https://mastodon.social", spec: TimelineSpec{Kind: KindPublic, Local: true}},
		{in: "https://mastodon.social/public/remote", base: "https://mastodon.social", spec: TimelineSpec{Kind: KindPublic, Remote: true}},
		{in: "https://piaille.fr/tags/municipales2026", base: "https://piaille.fr", spec: TimelineSpec{Kind: KindHashtag, Tag: "municipales2026"}},
		{in: "https://piaille.fr/tags/lyon/local", base: "https://piaille.fr", spec: TimelineSpec{Kind: KindHashtag, Tag: "lyon", Local: true}},
		{in: "https://m.example:8443/lists/12", base: "https://m.example:8443", spec: TimelineSpec{Kind: KindList, ListID: "12"}},
		{in: "https://m.example/@mairie", base: "https://m.example", spec: TimelineSpec{Kind: KindAccount, Acct: "mairie"}},
		{in: "https://m.example/@mairie@other.example", base: "https://m.example", spec: TimelineSpec{Kind: KindAccount, Acct: "mairie@other.example"}},
		{in: "https://m.example/users/mairie", base: "https://m.example", spec: TimelineSpec{Kind: KindAccount, Acct: "mairie"}},
		{in: "https://m.example/home", base: "https://m.example", spec: TimelineSpec{Kind: KindHome}},
		{in: "ftp://m.example/", err: true},
		{in: "https://m.example/about", err: true},
		{in: "https://m.example/@", err: true},
		{in: "/tags/x", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			base, spec, err := ParseTimelineURL(tt.in)
			if tt.err {
				if err == nil {
					t.Fatalf("want an error, got %q %+v", base, spec)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if base != tt.base || spec != tt.spec {
				t.Errorf("got %q %+v, want %q %+v", base, spec, tt.base, tt.spec)
			}
		})
	}
}

func TestAccountTimelineLooksUpAcct(t *testing.T) {
	t.Parallel()
	all := fixtureRaw(t, "bigbone_public_timeline.json")
	f := newFakeServer(t, all)
	c := newTestClient(t, f, newFakeClock())
	spec := TimelineSpec{Kind: KindAccount, Acct: "iorin0225"}
	for i := 0; i < 2; i++ {
		if _, _, err := c.Timeline(context.Background(), spec, ""); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		"/api/v1/accounts/lookup?acct=iorin0225",
		"/api/v1/accounts/14476/statuses?limit=40",
		"/api/v1/accounts/14476/statuses?limit=40",
	}
	if got := f.restRequests(); !slices.Equal(got, want) {
		t.Errorf("requests = %q, want %q (one lookup, cached)", got, want)
	}
	_, _, err := c.Timeline(context.Background(), TimelineSpec{Kind: KindAccount, Acct: "nobody"}, "")
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusNotFound {
		t.Errorf("unknown acct: err = %v, want a 404", err)
	}
}

// FuzzParseTimelineURL checks that any accepted address gives a base URL
// NewClient accepts and a spec whose REST path builds (an account spec
// carries the acct to look up instead of an id).
func FuzzParseTimelineURL(f *testing.F) {
	f.Add("https://mastodon.social/tags/x")
	f.Fuzz(func(t *testing.T, in string) {
		base, spec, err := ParseTimelineURL(in)
		if err != nil {
			return
		}
		if _, err := NewClient(base, nil, ""); err != nil {
			t.Fatalf("base %q from %q: %v", base, in, err)
		}
		if spec.Kind == KindAccount {
			if spec.Acct == "" {
				t.Fatalf("account spec without acct from %q", in)
			}
			spec.AccountID = "1"
		}
		if _, _, err := spec.restPath(); err != nil {
			t.Fatalf("spec %+v from %q: %v", spec, in, err)
		}
	})
}
