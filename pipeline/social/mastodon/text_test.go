package mastodon

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestHTMLToText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		text  string
		links []string
		tags  []string
	}{
		{name: "empty", in: "", text: ""},
		{name: "paragraphs", in: "<p>one</p><p>two</p>", text: "one\n\ntwo"},
		{name: "br", in: "<p>line one<br>line two<br/>line three</p>", text: "line one\nline two\nline three"},
		{name: "entities", in: "<p>&quot;quoted&quot; &amp; &lt;tag&gt; caf&eacute;</p>", text: `"quoted" & <tag> café`},
		{name: "whitespace collapses", in: "<p>  a \n\t b   </p>\n\n<p>c</p>", text: "a b\n\nc"},
		{
			name: "mention",
			in:   `<p><span class="h-card"><a href="https://pl.example/users/disarray" class="u-url mention">@<span>disarray</span></a></span> glad i was able to help</p>`,
			text: "@disarray glad i was able to help",
		},
		{
			name: "hashtag",
			in:   `<p>about <a href="https://m.example/tags/Fediverse" class="mention hashtag" rel="tag">#<span>Fediverse</span></a> today</p>`,
			text: "about #Fediverse today",
			tags: []string{"Fediverse"},
		},
		{
			name:  "link with invisible spans gives the full url",
			in:    `<p>read <a href="https://www.theguardian.com/money/2019/dec/07/x" rel="nofollow noopener noreferrer" target="_blank"><span class="invisible">https://www.</span><span class="ellipsis">theguardian.com/money/2019/dec</span><span class="invisible">/07/x</span></a></p>`,
			text:  "read https://www.theguardian.com/money/2019/dec/07/x",
			links: []string{"https://www.theguardian.com/money/2019/dec/07/x"},
		},
		{
			name:  "link with its own text",
			in:    `<p>see <a href="https://example.org/a">this article</a>, and <a href="https://example.org/a">again</a></p>`,
			text:  "see this article, and again",
			links: []string{"https://example.org/a"},
		},
		{name: "javascript link not collected", in: `<a href="javascript:alert(1)">x</a>`, text: "x"},
		{name: "script and style dropped", in: `<p>a<script>alert("x")</script><style>p{}</style>b</p>`, text: "ab"},
		{name: "pre keeps spaces", in: "<pre>a  b\n c</pre>", text: "a  b\n c"},
		{name: "list items", in: "<ul><li>one</li><li>two</li></ul>", text: "one\ntwo"},
		{name: "blockquote", in: "<p>he said</p><blockquote><p>no</p></blockquote><p>end</p>", text: "he said\n\nno\n\nend"},
		{name: "plain text", in: "just text", text: "just text"},
		{name: "unclosed tags", in: "<p>open <b>bold <i>both", text: "open bold both"},
		{name: "nbsp kept", in: "<p>a&nbsp;b</p>", text: "a\u00a0b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := HTMLToText(tt.in)
			if got.Text != tt.text {
				t.Errorf("text = %q, want %q", got.Text, tt.text)
			}
			if !slices.Equal(got.Links, tt.links) {
				t.Errorf("links = %q, want %q", got.Links, tt.links)
			}
			if !slices.Equal(got.Tags, tt.tags) {
				t.Errorf("tags = %q, want %q", got.Tags, tt.tags)
			}
		})
	}
}

// FuzzHTMLToText checks that the converter never panics, returns valid
// UTF-8 for valid input, never leaks markup of a script, and only collects
// http(s) links.
func FuzzHTMLToText(f *testing.F) {
	f.Add("<p>hello <a href=\"https://x.example/\">x</a></p>")
	f.Fuzz(func(t *testing.T, in string) {
		got := HTMLToText(in)
		if utf8.ValidString(in) && !utf8.ValidString(got.Text) {
			t.Fatalf("invalid UTF-8 output %q for %q", got.Text, in)
		}
		if got.Text != strings.TrimSpace(got.Text) {
			t.Fatalf("output not trimmed: %q", got.Text)
		}
		for _, l := range got.Links {
			if !isWebURL(l) {
				t.Fatalf("non-web link %q collected", l)
			}
		}
		if strings.Contains(got.Text, "\n\n\n") {
			t.Fatalf("more than one blank line in %q", got.Text)
		}
	})
}

func BenchmarkHTMLToText(b *testing.B) {
	statuses := loadFixtureStatuses(b, "bigbone_tag_timeline.json")
	var in []string
	size := 0
	for _, s := range statuses {
		in = append(in, s.Content)
		size += len(s.Content)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range in {
			_ = HTMLToText(s)
		}
	}
}
