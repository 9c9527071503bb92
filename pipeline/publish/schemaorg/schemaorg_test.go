package schemaorg

import (
	"os"
	"slices"
	"strings"
	"testing"

	"vigie/pipeline/specs"
)

func loadVocabulary(t *testing.T) *Vocabulary {
	t.Helper()
	f, err := os.Open(specs.Path("schemaorg", "factcheck-terms.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := ReadVocabulary(f)
	if err != nil {
		t.Fatal(err)
	}
	if v.Len() != 62 {
		t.Fatalf("vocabulary has %d terms, want the 62 of the subset", v.Len())
	}
	return v
}

func example(t *testing.T, file string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(specs.Path("schemaorg", "examples", file))
	if err != nil {
		t.Fatal(err)
	}
	docs := ExtractJSONLD(b)
	if len(docs) == 0 {
		t.Fatalf("no JSON-LD in %s", file)
	}
	return docs
}

// TestOfficialExamples runs the checker on schema.org's own examples: the
// MediaReview example uses only subset terms; the ClaimReview examples
// use a few terms outside the subset (jobTitle, and Clip with its
// properties), which must be the only reports.
func TestOfficialExamples(t *testing.T) {
	t.Parallel()
	v := loadVocabulary(t)
	tests := []struct {
		name  string
		file  string
		index int
		want  []string // substrings of the expected reports, in order
	}{
		{"MediaReview eg-0467", "issue-2450-examples.txt", 0, nil},
		{"ClaimReview eg-0324", "sdo-ClaimReview-issue-1061-examples.txt", 0, []string{"itemReviewed.author.jobTitle: not a property"}},
		{"ClaimReview eg-0325", "sdo-ClaimReview-issue-1061-examples.txt", 1, []string{
			"itemReviewed.author.jobTitle: not a property", "itemReviewed.author: Clip is not in the domain",
			"itemReviewed.datePublished: Clip is not in the domain", "itemReviewed.endOffset: not a property",
			"itemReviewed.isPartOf: not a property", "itemReviewed.startOffset: not a property",
			"itemReviewed: type Clip is neither defined nor in the range"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := v.Check(example(t, tt.file)[tt.index])
			if len(got) != len(tt.want) {
				t.Fatalf("reports %q, want %d like %q", got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("report %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

func TestCheckCanFail(t *testing.T) {
	t.Parallel()
	v := loadVocabulary(t)
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"unknown property", `{"@context":"https://schema.org","@type":"ClaimReview","ratingCount":3}`, "ratingCount"},
		{"property out of domain", `{"@context":"https://schema.org","@type":"ClaimReview","mediaAuthenticityCategory":"StagedContent"}`, "domain"},
		{"node type out of range", `{"@context":"https://schema.org","@type":"ClaimReview","reviewRating":{"@type":"Claim"}}`, "range"},
		{"not an enumeration member", `{"@context":"https://schema.org","@type":"MediaReview","mediaAuthenticityCategory":"FakeContent"}`, "member"},
		{"wrong context", `{"@context":"http://example.org","@type":"ClaimReview"}`, "@context"},
		{"unknown top type", `{"@context":"https://schema.org","@type":"Recipe"}`, "@type"},
		{"not JSON", `{`, "not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := v.Check([]byte(tt.doc))
			if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, tt.want) }) {
				t.Errorf("Check gave %q, want a report about %q", errs, tt.want)
			}
		})
	}
}

func TestMissingClaimReviewFields(t *testing.T) {
	t.Parallel()
	doc := []byte(`{"claimReviewed":"x","url":"","reviewRating":{"alternateName":"Faux","ratingValue":1},"itemReviewed":{"appearance":[]}}`)
	got, err := MissingClaimReviewFields(doc, append(RequiredClaimReviewFields, "reviewRating.ratingValue", "itemReviewed.appearance", "author"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"url", "itemReviewed.appearance", "author"}; !slices.Equal(got, want) {
		t.Errorf("missing %q, want %q", got, want)
	}
	if _, err := MissingClaimReviewFields([]byte("nope"), RequiredClaimReviewFields); err == nil {
		t.Errorf("accepted invalid JSON")
	}
}

func TestExtractJSONLD(t *testing.T) {
	t.Parallel()
	html := `<html><head><script type="application/ld+json"> {"a":1} </script><script>x</script>` +
		`<script type="application/ld+json">{"b":2}</script><script type="application/ld+json">{"c":`
	got := ExtractJSONLD([]byte(html))
	if len(got) != 2 || string(got[0]) != `{"a":1}` || string(got[1]) != `{"b":2}` {
		t.Errorf("ExtractJSONLD = %q", got)
	}
}

// FuzzExtractJSONLD checks that extraction never panics and returns only
// trimmed pieces of the page that sat between the script tags.
func FuzzExtractJSONLD(f *testing.F) {
	f.Add(`<script type="application/ld+json">{"a":1}</script>`)
	f.Add(`<script type="application/ld+json"><script type="application/ld+json"></script></script>`)
	f.Add(`<script type="application/ld+json">`)
	f.Fuzz(func(t *testing.T, page string) {
		docs := ExtractJSONLD([]byte(page))
		if len(docs) > strings.Count(page, scriptOpen) {
			t.Fatalf("%d documents from %d script openings", len(docs), strings.Count(page, scriptOpen))
		}
		for _, d := range docs {
			if !strings.Contains(page, string(d)) || strings.Contains(string(d), "</script>") {
				t.Fatalf("document %q is not a piece of the page between tags", d)
			}
		}
	})
}
