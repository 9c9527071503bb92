package socialtest

import (
	"fmt"
	"testing"
	"time"

	"vigie/pipeline/social"
)

// recordingTB counts the errors CheckPost reports.
type recordingTB struct {
	testing.TB
	errors []string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestCheckPost(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	before := now.Add(-time.Hour)
	good := social.Post{ID: "at://did:plc:a/app.bsky.feed.post/k", Created: now, Text: "hello",
		HTML: `<p>hello <a href="https://x.example/" rel="nofollow">x</a></p>`, Tags: []string{"t"}, Links: []string{"https://x.example/"}}
	tests := []struct {
		name   string
		mutate func(p *social.Post)
		errors int
	}{
		{name: "good post", mutate: func(*social.Post) {}},
		{name: "tombstone", mutate: func(p *social.Post) { *p = social.Post{SourceID: "12", Deleted: true} }},
		{name: "tombstone with content", mutate: func(p *social.Post) { p.Deleted = true }, errors: 1},
		{name: "no id", mutate: func(p *social.Post) { p.ID = "" }, errors: 1},
		{name: "no created", mutate: func(p *social.Post) { p.Created = time.Time{} }, errors: 1},
		{name: "edited before created", mutate: func(p *social.Post) { p.Edited = &before }, errors: 1},
		{name: "untrimmed text", mutate: func(p *social.Post) { p.Text = " x\n" }, errors: 1},
		{name: "invalid utf-8", mutate: func(p *social.Post) { p.Text = "a\xffb" }, errors: 1},
		{name: "script", mutate: func(p *social.Post) { p.HTML = "<p>x</p><SCRIPT>y</SCRIPT>" }, errors: 1},
		{name: "event handler", mutate: func(p *social.Post) { p.HTML = `<img src="a" onerror="x()">` }, errors: 1},
		{name: "word starting with on in text is fine", mutate: func(p *social.Post) { p.HTML = "<p>once upon a time, one=1</p>" }},
		{name: "javascript url", mutate: func(p *social.Post) { p.HTML = `<a href="javascript:x">a</a>` }, errors: 1},
		{name: "hash tag", mutate: func(p *social.Post) { p.Tags = []string{"#t"} }, errors: 1},
		{name: "ftp link", mutate: func(p *social.Post) { p.Links = []string{"ftp://x"} }, errors: 1},
		{name: "boosted by alone", mutate: func(p *social.Post) { p.BoostedBy = "a" }, errors: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := good
			tt.mutate(&p)
			r := &recordingTB{TB: t}
			CheckPost(r, p)
			if len(r.errors) != tt.errors {
				t.Errorf("%d errors %q, want %d", len(r.errors), r.errors, tt.errors)
			}
		})
	}
}
