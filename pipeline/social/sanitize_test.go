package social

import (
	"strings"
	"testing"
)

func TestSanitizeHTML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		absent []string
		kept   []string
	}{
		{name: "script", in: `<p>hi<script>alert(1)</script></p>`, absent: []string{"<script", "alert"}, kept: []string{"<p>hi</p>"}},
		{name: "event handlers", in: `<p onclick="x()" onmouseover="y()">t</p><img src="https://i.example/a.png" onerror="z()">`, absent: []string{"onclick", "onmouseover", "onerror"}, kept: []string{"<p>t</p>", `src="https://i.example/a.png"`}},
		{name: "javascript url", in: `<a href="javascript:alert(1)">a</a><a href=" JaVaScRiPt:alert(2)">b</a>`, absent: []string{"javascript", "JaVaScRiPt"}, kept: []string{"a", "b"}},
		{name: "data url", in: `<a href="data:text/html;base64,PHNjcmlwdD4=">c</a>`, absent: []string{"data:"}},
		{name: "style and iframe", in: `<style>p{}</style><iframe src="https://e.example"></iframe><p style="color:red">s</p>`, absent: []string{"<style", "<iframe", "style="}, kept: []string{"<p>s</p>"}},
		{name: "links get rel and target", in: `<a href="https://ok.example/">ok</a>`, kept: []string{`href="https://ok.example/"`, "nofollow", "noopener", `target="_blank"`}},
		{name: "mastodon classes kept", in: `<a href="https://m.example/tags/x" class="mention hashtag">#<span class="invisible">x</span></a>`, kept: []string{`class="mention hashtag"`, `class="invisible"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SanitizeHTML(tt.in)
			for _, a := range tt.absent {
				if strings.Contains(got, a) {
					t.Errorf("%q survives in %s", a, got)
				}
			}
			for _, k := range tt.kept {
				if !strings.Contains(got, k) {
					t.Errorf("%q lost from %s", k, got)
				}
			}
		})
	}
}
