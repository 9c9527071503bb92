package bluesky

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// DefaultAppView is the public Bluesky AppView, used to resolve handles.
const DefaultAppView = "https://public.api.bsky.app"

// ParseSourceURL reads the Bluesky web address a source gives into a Filter:
//
//	https://bsky.app/profile/did:plc:…    the posts of that account
//	https://bsky.app/profile/HANDLE       the same, once HANDLE is resolved
//	                                      (returned as handle; see ResolveHandle)
//	https://bsky.app/hashtag/TAG          posts tagged or mentioning #TAG
//	https://bsky.app/search?q=WORDS       posts containing WORDS (one phrase);
//	                                      "lang:xx" and "from:HANDLE" in q
//	                                      work as in Bluesky's search
//
// A "lang" query parameter (comma-separated) adds languages to any form.
func ParseSourceURL(raw string) (f Filter, handle string, err error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return Filter{}, "", fmt.Errorf("parse bluesky url: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return Filter{}, "", fmt.Errorf("parse bluesky url %q: want an https://bsky.app/ address", raw)
	}
	parts := strings.FieldsFunc(u.Path, func(r rune) bool { return r == '/' })
	switch {
	case len(parts) >= 2 && parts[0] == "profile":
		if strings.HasPrefix(parts[1], "did:") {
			f.DIDs = []string{parts[1]}
		} else {
			handle = strings.TrimPrefix(parts[1], "@")
		}
	case len(parts) == 2 && parts[0] == "hashtag" && strings.TrimLeft(parts[1], "#") != "":
		f.Keywords = []string{"#" + strings.TrimLeft(parts[1], "#")}
	case len(parts) == 1 && parts[0] == "search":
		var words []string
		for _, w := range strings.Fields(u.Query().Get("q")) {
			switch {
			case strings.HasPrefix(w, "lang:") && len(w) > 5:
				f.Languages = append(f.Languages, w[5:])
			case strings.HasPrefix(w, "from:") && len(w) > 5:
				if v := strings.TrimPrefix(w[5:], "@"); strings.HasPrefix(v, "did:") {
					f.DIDs = append(f.DIDs, v)
				} else {
					handle = v
				}
			default:
				words = append(words, w)
			}
		}
		if len(words) > 0 {
			f.Keywords = []string{strings.Join(words, " ")}
		}
	default:
		return Filter{}, "", fmt.Errorf("parse bluesky url %q: not a profile, hashtag or search address", raw)
	}
	for _, l := range strings.Split(u.Query().Get("lang"), ",") {
		if l = strings.TrimSpace(l); l != "" {
			f.Languages = append(f.Languages, l)
		}
	}
	if len(f.DIDs) == 0 && handle == "" && len(f.Keywords) == 0 && len(f.Languages) == 0 {
		return Filter{}, "", fmt.Errorf("parse bluesky url %q: selects nothing", raw)
	}
	return f, handle, nil
}

// ResolveHandle returns the DID of a handle through an AppView's
// com.atproto.identity.resolveHandle (appView "" is DefaultAppView).
func ResolveHandle(ctx context.Context, hc *http.Client, appView, handle string) (string, error) {
	if appView == "" {
		appView = DefaultAppView
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	u := strings.TrimRight(appView, "/") + "/xrpc/com.atproto.identity.resolveHandle?handle=" + url.QueryEscape(handle)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", fmt.Errorf("resolve handle %q: %w", handle, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("resolve handle %q: %w", handle, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("resolve handle %q: %w", handle, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("resolve handle %q: status %d", handle, resp.StatusCode)
	}
	var r struct {
		DID string `json:"did"`
	}
	if err := json.Unmarshal(body, &r); err != nil || !strings.HasPrefix(r.DID, "did:") {
		return "", fmt.Errorf("resolve handle %q: no DID in the answer", handle)
	}
	return r.DID, nil
}
