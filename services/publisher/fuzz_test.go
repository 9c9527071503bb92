package publisher

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/publish/schemaorg"
)

// FuzzVerdictPage renders pages from arbitrary editor input: the only
// script elements are the JSON-LD ones, each valid JSON, and no link
// leaves http(s).
func FuzzVerdictPage(f *testing.F) {
	f.Add("claim", "summary\n\npara", "claimant", "Falso", "https://ok.example/a", "pt")
	f.Add(`<script>alert(1)</script>`, "</script><script>x</script>", `"><img onerror=x>`, "</title>", "javascript:alert(1)", "ar")
	f.Add("\u2028\u2029</SCRIPT >", "<!--", "]]>", "&amp;", "https://x.example/<script>", "en")
	s := New(&fakeSource{}, Options{Site: testSite}, zap.NewNop())
	f.Fuzz(func(t *testing.T, claim, summary, claimant, textual, link, lang string) {
		v := record("f1", claims.VerdictInput{ClaimReviewed: claim, Title: claim, Rating: claims.RatingFalse,
			TextualRating: textual, Summary: summary, Claimant: claimant, Sources: []string{link},
			Appearances: []string{link}, Localities: []string{"PT-1312"}, Language: lang}, day)
		p := s.verdictPage(s.toPublish(t.Context(), v), v, []*claims.Verdict{v})
		var buf bytes.Buffer
		if err := verdictTemplate.ExecuteTemplate(&buf, "layout", p); err != nil {
			t.Fatalf("render: %v", err)
		}
		page := buf.Bytes()
		docs := schemaorg.ExtractJSONLD(page)
		if n := bytes.Count(bytes.ToLower(page), []byte("<script")); n != len(docs) {
			t.Fatalf("%d script elements, %d of them JSON-LD:\n%s", n, len(docs), page)
		}
		for _, d := range docs {
			if !json.Valid(d) {
				t.Fatalf("invalid JSON-LD: %s", d)
			}
		}
		for _, attr := range []string{`href="`, `href='`} {
			for rest := string(page); ; {
				i := strings.Index(rest, attr)
				if i < 0 {
					break
				}
				rest = rest[i+len(attr):]
				u := strings.ToLower(rest[:strings.IndexAny(rest, `"'`)])
				if !(strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") || strings.HasPrefix(u, "http://") ||
					strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "#")) {
					t.Fatalf("link %q leaves http(s)", u)
				}
			}
		}
	})
}
