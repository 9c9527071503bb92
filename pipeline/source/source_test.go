package source

import (
	"errors"
	"strings"
	"testing"
)

func TestStateFailedThenDisabled(t *testing.T) {
	t.Parallel()
	var st State
	cause := errors.New("http status 500")
	for i := 1; i <= 3; i++ {
		st.Failed(cause, "status", 3)
		if st.Failures != i || st.ErrorKind != "status" {
			t.Fatalf("after %d failures: %+v", i, st)
		}
		if want := i == 3; (st.Status == StatusDisabled) != want {
			t.Fatalf("after %d failures: status %s", i, st.Status)
		}
	}
	if !strings.Contains(st.LastError, "disabled after 3 consecutive failures") || !strings.Contains(st.LastError, "500") {
		t.Fatalf("reason not kept: %q", st.LastError)
	}
	st.Succeeded()
	if st.Status != StatusOK || st.Failures != 0 || st.LastError != "" || st.ErrorKind != "" {
		t.Fatalf("after success: %+v", st)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		src  Source
		ok   bool
	}{
		{"feed", Source{ID: "jn", URL: "https://www.jn.pt/rss"}, true},
		{"bad id", Source{ID: "Bad.ID", URL: "https://x"}, false},
		{"no url", Source{ID: "a"}, false},
		{"ftp", Source{ID: "a", URL: "ftp://x"}, false},
		{"unknown kind", Source{ID: "a", Kind: "rss", URL: "https://x"}, false},
		{"bluesky", Source{ID: "b", Kind: KindBluesky, URL: "https://bsky.app/hashtag/porto"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.src
			err := s.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && (s.Name == "" || s.Interval <= 0 || s.Origin == "" || s.Kind == "") {
				t.Fatalf("defaults not filled: %+v", s)
			}
		})
	}
}
