package publish

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestETag(t *testing.T) {
	t.Parallel()
	a, b := ETag([]byte("feed one")), ETag([]byte("feed two"))
	if a == b || a != ETag([]byte("feed one")) {
		t.Errorf("ETag not a function of the body: %s %s", a, b)
	}
	if len(a) < 10 || a[0] != '"' || a[len(a)-1] != '"' {
		t.Errorf("ETag %s is not a quoted strong tag", a)
	}
}

func TestServeFeedConditional(t *testing.T) {
	t.Parallel()
	body := []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[]}`)
	etag := ETag(body)
	lastMod := time.Date(2026, 11, 23, 8, 0, 0, 500_000_000, time.UTC)
	tests := []struct {
		name       string
		method     string
		header     map[string]string
		wantStatus int
		wantBody   bool
	}{
		{"plain GET", "GET", nil, 200, true},
		{"HEAD", "HEAD", nil, 200, false},
		{"matching etag", "GET", map[string]string{"If-None-Match": etag}, 304, false},
		{"weak matching etag in a list", "GET", map[string]string{"If-None-Match": `"other", W/` + etag}, 304, false},
		{"star", "GET", map[string]string{"If-None-Match": "*"}, 304, false},
		{"other etag", "GET", map[string]string{"If-None-Match": `"other"`}, 200, true},
		{"etag decides over date", "GET", map[string]string{"If-None-Match": `"other"`,
			"If-Modified-Since": lastMod.Add(time.Hour).Format(http.TimeFormat)}, 200, true},
		{"not modified since (sub-second ignored)", "GET", map[string]string{"If-Modified-Since": lastMod.Format(http.TimeFormat)}, 304, false},
		{"modified since", "GET", map[string]string{"If-Modified-Since": lastMod.Add(-time.Second).Format(http.TimeFormat)}, 200, true},
		{"bad date", "GET", map[string]string{"If-Modified-Since": "yesterday"}, 200, true},
		{"POST ignores validators", "POST", map[string]string{"If-None-Match": etag}, 200, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/feeds/verdicts.json", nil)
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			ServeFeed(w, r, ContentTypeJSONFeed, body, lastMod)
			if w.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d", w.Code, tt.wantStatus)
			}
			if w.Header().Get("ETag") != etag || w.Header().Get("Last-Modified") != "Mon, 23 Nov 2026 08:00:00 GMT" {
				t.Errorf("validators ETag=%q Last-Modified=%q", w.Header().Get("ETag"), w.Header().Get("Last-Modified"))
			}
			if got := bytes.Equal(w.Body.Bytes(), body); got != tt.wantBody {
				t.Errorf("body sent = %v, want %v (%q)", got, tt.wantBody, w.Body.String())
			}
			if tt.wantStatus == 200 && w.Header().Get("Content-Type") != ContentTypeJSONFeed {
				t.Errorf("Content-Type %q", w.Header().Get("Content-Type"))
			}
		})
	}
}
