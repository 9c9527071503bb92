package socialtest

import (
	"strings"
	"testing"
	"unicode/utf8"

	"vigie/pipeline/social"
)

// unsafeHTML are the fragments sanitized HTML must not contain (compared
// lower-case).
var unsafeHTML = []string{"<script", "<iframe", "<object", "<embed", "<style", "javascript:", "vbscript:", "data:text", " on"}

// CheckPost reports, through tb, every way p breaks the Post contract:
//   - a post has an ID; a tombstone (Deleted) has an ID or a SourceID and
//     no content;
//   - a post has a non-zero Created, and Edited, when set, is not before it;
//   - Text is valid UTF-8 without surrounding spaces;
//   - HTML holds no script, frame, style, event-handler attribute or
//     javascript:/data: URL;
//   - Tags have no leading '#' and are not empty; Links are http(s) URLs;
//   - BoostedBy is only set with BoostOf.
func CheckPost(tb testing.TB, p social.Post) {
	tb.Helper()
	if p.Deleted {
		if p.ID == "" && p.SourceID == "" {
			tb.Errorf("tombstone without ID or SourceID: %+v", p)
		}
		if p.Text != "" || p.HTML != "" {
			tb.Errorf("tombstone %s has content", p.ID)
		}
		return
	}
	if p.ID == "" {
		tb.Errorf("post without ID: %+v", p)
	}
	if p.Created.IsZero() {
		tb.Errorf("post %s without Created", p.ID)
	}
	if p.Edited != nil && p.Edited.Before(p.Created) {
		tb.Errorf("post %s edited (%s) before created (%s)", p.ID, p.Edited, p.Created)
	}
	if !utf8.ValidString(p.Text) {
		tb.Errorf("post %s: text is not valid UTF-8", p.ID)
	}
	if p.Text != strings.TrimSpace(p.Text) {
		tb.Errorf("post %s: text not trimmed: %q", p.ID, p.Text)
	}
	low := strings.ToLower(p.HTML)
	for _, bad := range unsafeHTML {
		if bad == " on" {
			if hasEventHandler(low) {
				tb.Errorf("post %s: HTML keeps an event handler: %s", p.ID, p.HTML)
			}
			continue
		}
		if strings.Contains(low, bad) {
			tb.Errorf("post %s: HTML keeps %q: %s", p.ID, bad, p.HTML)
		}
	}
	for _, t := range p.Tags {
		if t == "" || strings.HasPrefix(t, "#") {
			tb.Errorf("post %s: bad tag %q", p.ID, t)
		}
	}
	for _, l := range p.Links {
		ll := strings.ToLower(l)
		if !strings.HasPrefix(ll, "http://") && !strings.HasPrefix(ll, "https://") {
			tb.Errorf("post %s: link %q is not http(s)", p.ID, l)
		}
	}
	if p.BoostedBy != "" && p.BoostOf == "" {
		tb.Errorf("post %s: BoostedBy without BoostOf", p.ID)
	}
}

// hasEventHandler reports an on…= attribute inside a tag.
func hasEventHandler(low string) bool {
	inTag := false
	for i := 0; i < len(low); i++ {
		switch c := low[i]; {
		case c == '<':
			inTag = true
		case c == '>':
			inTag = false
		case inTag && (c == ' ' || c == '\t' || c == '\n' || c == '/') && strings.HasPrefix(low[i+1:], "on"):
			j := i + 3
			for j < len(low) && low[j] >= 'a' && low[j] <= 'z' {
				j++
			}
			if j < len(low) && low[j] == '=' {
				return true
			}
		}
	}
	return false
}
