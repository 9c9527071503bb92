package bluesky

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

func TestParseSourceURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		filter Filter
		handle string
		err    bool
	}{
		{in: "https://bsky.app/profile/did:plc:u4lmvw4wwzaql3z5kcf3r7h4", filter: Filter{DIDs: []string{"did:plc:u4lmvw4wwzaql3z5kcf3r7h4"}}},
		{in: "https://bsky.app/profile/mairie.example.fr/", handle: "mairie.example.fr"},
		{in: "https://bsky.app/profile/mairie.example.fr/post/3mptbyoigog2b", handle: "mairie.example.fr"},
		{in: "https://bsky.app/hashtag/Municipales2026", filter: Filter{Keywords: []string{"#Municipales2026"}}},
		{in: "https://bsky.app/search?q=vaccin+autisme+lang%3Afr", filter: Filter{Keywords: []string{"vaccin autisme"}, Languages: []string{"fr"}}},
		{in: "https://bsky.app/search?q=from%3Amairie.example.fr+piscine", filter: Filter{Keywords: []string{"piscine"}}, handle: "mairie.example.fr"},
		{in: "https://bsky.app/hashtag/lyon?lang=fr,en", filter: Filter{Keywords: []string{"#lyon"}, Languages: []string{"fr", "en"}}},
		{in: "https://bsky.app/search?q=", err: true},
		{in: "https://bsky.app/notifications", err: true},
		{in: "at://did:plc:x/app.bsky.feed.post/k", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			f, h, err := ParseSourceURL(tt.in)
			if tt.err {
				if err == nil {
					t.Fatalf("want an error, got %+v %q", f, h)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(f.DIDs, tt.filter.DIDs) || !slices.Equal(f.Keywords, tt.filter.Keywords) ||
				!slices.Equal(f.Languages, tt.filter.Languages) || h != tt.handle {
				t.Errorf("got %+v %q, want %+v %q", f, h, tt.filter, tt.handle)
			}
		})
	}
}

func TestResolveHandle(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/xrpc/com.atproto.identity.resolveHandle" {
			http.NotFound(w, r)
			return
		}
		switch r.URL.Query().Get("handle") {
		case "mairie.example.fr":
			_, _ = w.Write([]byte(`{"did":"did:plc:u4lmvw4wwzaql3z5kcf3r7h4"}`))
		case "broken.example":
			_, _ = w.Write([]byte(`{"did":"nope"}`))
		default:
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"InvalidRequest","message":"Unable to resolve handle"}`))
		}
	}))
	defer srv.Close()
	tests := []struct {
		handle, did string
		err         bool
	}{
		{handle: "mairie.example.fr", did: "did:plc:u4lmvw4wwzaql3z5kcf3r7h4"},
		{handle: "unknown.example", err: true},
		{handle: "broken.example", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.handle, func(t *testing.T) {
			did, err := ResolveHandle(context.Background(), srv.Client(), srv.URL, tt.handle)
			if (err != nil) != tt.err || did != tt.did {
				t.Errorf("got %q %v, want %q (error %v)", did, err, tt.did, tt.err)
			}
		})
	}
}

// FuzzParseSourceURL checks that an accepted address always selects
// something and never yields an empty keyword, DID or language.
func FuzzParseSourceURL(f *testing.F) {
	f.Add("https://bsky.app/search?q=x+lang:fr")
	f.Fuzz(func(t *testing.T, in string) {
		fl, h, err := ParseSourceURL(in)
		if err != nil {
			return
		}
		if len(fl.DIDs)+len(fl.Keywords)+len(fl.Languages) == 0 && h == "" {
			t.Fatalf("%q selects nothing", in)
		}
		for _, v := range append(append(slices.Clone(fl.DIDs), fl.Keywords...), fl.Languages...) {
			if v == "" || v == "#" {
				t.Fatalf("%q gives an empty selector: %+v", in, fl)
			}
		}
	})
}
