package publish

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/claims"
	"vigie/pipeline/publish/schemaorg"
	"vigie/pipeline/specs"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func loadVocabulary(t *testing.T) *schemaorg.Vocabulary {
	t.Helper()
	f, err := os.Open(specs.Path("schemaorg", "factcheck-terms.json"))
	if err != nil {
		t.Fatalf("read schema.org subset: %v", err)
	}
	defer f.Close()
	v, err := schemaorg.ReadVocabulary(f)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// get follows a dotted path in a decoded JSON document.
func get(node any, path string) any { return schemaorg.Get(node, path) }

func sampleVerdict() Verdict {
	pub := time.Date(2026, 11, 20, 14, 30, 0, 0, time.UTC)
	return Verdict{
		ID:            "vrd_01",
		Version:       2,
		URL:           "https://verif.example.org/verdicts/vrd_01",
		ClaimReviewed: "Tap water in Paris is unsafe to drink this week",
		Rating:        claims.RatingFalse,
		TextualRating: "Faux",
		Summary:       "Eau de Paris and the regional health agency report no contamination.",
		Claimant:      Party{Kind: Person, Name: "A viral post author", URL: "https://social.example.net/@someone"},
		ClaimDate:     time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC),
		Appearances:   []string{"https://social.example.net/@someone/1", "https://blog.example.com/eau"},
		Localities:    []string{"FR-75056"},
		Language:      "fr",
		Publisher:     Party{Kind: Organization, Name: "Vérif Locale", URL: "https://verif.example.org/"},
		Published:     pub,
		Modified:      pub.Add(26 * time.Hour),
		Corrections:   []Correction{{Date: pub.Add(26 * time.Hour), Note: "Source link fixed."}},
	}
}

func TestClaimReviewTermsAndGoogleFields(t *testing.T) {
	t.Parallel()
	voc := loadVocabulary(t)
	tests := []struct {
		rating    claims.Rating
		wantValue float64 // 0: none
	}{
		{claims.RatingFalse, 1}, {claims.RatingMostlyFalse, 2}, {claims.RatingMisleading, 2}, {claims.RatingMixed, 3}, {claims.RatingMostlyTrue, 4},
		{claims.RatingTrue, 5}, {claims.RatingUnproven, 0}, {claims.RatingOther, 0}, {claims.RatingUnknown, 0},
	}
	for _, tt := range tests {
		t.Run(string(tt.rating), func(t *testing.T) {
			v := sampleVerdict()
			v.Rating, v.TextualRating = tt.rating, ""
			m, err := BuildMarkup(v)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Warnings) != 0 {
				t.Errorf("warnings for a complete verdict: %v", m.Warnings)
			}
			if m.MediaReview != nil {
				t.Errorf("MediaReview without media")
			}
			if errs := voc.Check(m.ClaimReview); len(errs) > 0 {
				t.Errorf("terms outside the schema.org subset:\n%s", strings.Join(errs, "\n"))
			}
			var doc map[string]any
			_ = json.Unmarshal(m.ClaimReview, &doc)
			if doc["@type"] != "ClaimReview" || get(doc, "itemReviewed.@type") != "Claim" {
				t.Errorf("types: %v / %v", doc["@type"], get(doc, "itemReviewed.@type"))
			}
			if missing, err := schemaorg.MissingClaimReviewFields(m.ClaimReview, schemaorg.RequiredClaimReviewFields); err != nil || len(missing) > 0 {
				t.Errorf("required fields missing: %v %v", missing, err)
			}
			if get(doc, "reviewRating.alternateName") != tt.rating.Label() {
				t.Errorf("alternateName = %v, want %q", get(doc, "reviewRating.alternateName"), tt.rating.Label())
			}
			recommended := append([]string{"author.name"}, schemaorg.RecommendedClaimReviewFields...)
			if tt.wantValue == 0 {
				for _, f := range schemaorg.NumericRatingFields {
					if get(doc, f) != nil {
						t.Errorf("%s = %v for an ungraded rating", f, get(doc, f))
					}
				}
				recommended = slices.DeleteFunc(recommended, func(f string) bool { return slices.Contains(schemaorg.NumericRatingFields, f) })
			}
			if missing, err := schemaorg.MissingClaimReviewFields(m.ClaimReview, recommended); err != nil || len(missing) > 0 {
				t.Errorf("recommended fields missing: %v %v", missing, err)
			}
			if tt.wantValue == 0 {
				return
			}
			if get(doc, "reviewRating.ratingValue") != tt.wantValue || get(doc, "reviewRating.bestRating") != 5.0 ||
				get(doc, "reviewRating.worstRating") != 1.0 {
				t.Errorf("rating %v/%v..%v, want %v/5..1", get(doc, "reviewRating.ratingValue"),
					get(doc, "reviewRating.bestRating"), get(doc, "reviewRating.worstRating"), tt.wantValue)
			}
		})
	}
}

func TestClaimReviewWarnings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		edit   func(*Verdict)
		want   []string
		absent []string // JSON-LD paths that must be absent
	}{
		{"long claim", func(v *Verdict) { v.ClaimReviewed = strings.Repeat("é", 76) }, []string{"76 characters"}, nil},
		{"claim at the limit", func(v *Verdict) { v.ClaimReviewed = strings.Repeat("é", 75) }, nil, nil},
		{"no claimant", func(v *Verdict) { v.Claimant = Party{} }, []string{"itemReviewed.author"}, []string{"itemReviewed.author"}},
		{"no claim date", func(v *Verdict) { v.ClaimDate = time.Time{} }, []string{"itemReviewed.datePublished"}, []string{"itemReviewed.datePublished"}},
		{"no appearances", func(v *Verdict) { v.Appearances = nil },
			[]string{"itemReviewed.appearance", "itemReviewed.firstAppearance"}, []string{"itemReviewed.appearance"}},
		{"relative appearance", func(v *Verdict) { v.Appearances = []string{"/x", "https://a.example/1"} },
			[]string{`"/x" is not an absolute URL`}, nil},
		{"not corrected", func(v *Verdict) { v.Modified = time.Time{} }, nil, []string{"dateModified"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := sampleVerdict()
			tt.edit(&v)
			m, err := BuildMarkup(v)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(m.Warnings, "\n")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("warnings %q lack %q", m.Warnings, w)
				}
			}
			if len(tt.want) == 0 && len(m.Warnings) != 0 {
				t.Errorf("unexpected warnings %q", m.Warnings)
			}
			var doc map[string]any
			_ = json.Unmarshal(m.ClaimReview, &doc)
			for _, p := range tt.absent {
				if get(doc, p) != nil {
					t.Errorf("%s present: %v", p, get(doc, p))
				}
			}
		})
	}
}

func TestBuildMarkupErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*Verdict)
	}{
		{"no id", func(v *Verdict) { v.ID = "" }},
		{"relative url", func(v *Verdict) { v.URL = "/verdicts/1" }},
		{"javascript url", func(v *Verdict) { v.URL = "javascript:alert(1)" }},
		{"no claim", func(v *Verdict) { v.ClaimReviewed = "" }},
		{"bad rating", func(v *Verdict) { v.Rating = "pants_on_fire" }},
		{"no date", func(v *Verdict) { v.Published = time.Time{} }},
		{"no publisher", func(v *Verdict) { v.Publisher = Party{} }},
		{"bad media kind", func(v *Verdict) {
			v.Media = &Media{Kind: "audio", Category: MediaStaged, Appearances: []string{"https://x.example/a"}}
		}},
		{"bad media category", func(v *Verdict) {
			v.Media = &Media{Kind: MediaImage, Category: "Fake", Appearances: []string{"https://x.example/a"}}
		}},
		{"media without appearance", func(v *Verdict) { v.Media = &Media{Kind: MediaImage, Category: MediaStaged} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := sampleVerdict()
			tt.edit(&v)
			if _, err := BuildMarkup(v); err == nil {
				t.Errorf("BuildMarkup accepted it")
			}
		})
	}
}

func TestMediaReview(t *testing.T) {
	t.Parallel()
	voc := loadVocabulary(t)
	for _, kind := range []MediaKind{MediaImage, MediaVideo} {
		t.Run(string(kind), func(t *testing.T) {
			v := sampleVerdict()
			v.Media = &Media{Kind: kind, Category: MediaDecontextualized,
				Appearances:     []string{"https://social.example.net/@someone/1/media", "https://video.example.com/w/2"},
				ArchivedAt:      []string{"https://archive.example.org/abc"},
				OriginalContext: "Photo of a 2019 water main repair in Lyon.",
				OriginalURL:     "https://news.example.fr/2019/lyon-canalisation"}
			m, err := BuildMarkup(v)
			if err != nil {
				t.Fatal(err)
			}
			if m.MediaReview == nil {
				t.Fatal("no MediaReview")
			}
			if errs := voc.Check(m.MediaReview); len(errs) > 0 {
				t.Errorf("terms outside the schema.org subset:\n%s", strings.Join(errs, "\n"))
			}
			var doc map[string]any
			_ = json.Unmarshal(m.MediaReview, &doc)
			snap := "ImageObjectSnapshot"
			if kind == MediaVideo {
				snap = "VideoObjectSnapshot"
			}
			app, _ := get(doc, "itemReviewed.mediaItemAppearance").([]any)
			if len(app) != 2 || get(app[0], "@type") != snap || get(app[0], "archivedAt") != "https://archive.example.org/abc" ||
				get(app[1], "archivedAt") != nil {
				t.Errorf("mediaItemAppearance = %v", app)
			}
			for _, f := range []string{"url", "author", "datePublished", "mediaAuthenticityCategory",
				"originalMediaContextDescription", "originalMediaLink", "itemReviewed.interpretedAsClaim.description",
				"itemReviewed.creator"} {
				if x := get(doc, f); x == nil || x == "" {
					t.Errorf("MediaReview field %s missing", f)
				}
			}
			page := []byte("<html><head>" + string(m.HTML()) + "</head><body>…</body></html>")
			docs := schemaorg.ExtractJSONLD(page)
			if len(docs) != 2 || !bytes.Equal(docs[0], m.ClaimReview) || !bytes.Equal(docs[1], m.MediaReview) {
				t.Fatalf("page holds %d JSON-LD documents, want the ClaimReview and the MediaReview", len(docs))
			}
			for _, d := range docs {
				if errs := voc.Check(d); len(errs) > 0 {
					t.Errorf("embedded document: %v", errs)
				}
			}
		})
	}
}

func TestMarkupHTMLCannotCloseScript(t *testing.T) {
	t.Parallel()
	v := sampleVerdict()
	v.ClaimReviewed = `</script><script>alert(1)</script> & more`
	m, err := BuildMarkup(v)
	if err != nil {
		t.Fatal(err)
	}
	h := string(m.HTML())
	if strings.Count(h, "</script>") != 1 || strings.Contains(h, "<script>alert") {
		t.Errorf("claim text escaped the script element: %s", h)
	}
	var doc map[string]any
	body := strings.TrimSuffix(strings.TrimPrefix(h, `<script type="application/ld+json">`), "</script>\n")
	if err := json.Unmarshal([]byte(body), &doc); err != nil || doc["claimReviewed"] != v.ClaimReviewed {
		t.Errorf("embedded JSON-LD does not round-trip: %v %v", err, doc["claimReviewed"])
	}
}

func TestClaimReviewGolden(t *testing.T) {
	t.Parallel()
	v := sampleVerdict()
	v.Media = &Media{Kind: MediaImage, Category: MediaEditedOrCropped, Appearances: []string{"https://social.example.net/@someone/1/media"},
		OriginalContext: "Cropped from a 2019 photo."}
	m, err := BuildMarkup(v)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	for _, doc := range [][]byte{m.ClaimReview, m.MediaReview} {
		if err := json.Indent(&got, doc, "", "  "); err != nil {
			t.Fatal(err)
		}
		got.WriteByte('\n')
	}
	compareGolden(t, filepath.Join("testdata", "markup_corrected_image.golden.jsonld"), got.Bytes())
}

// compareGolden compares got with the golden file, rewriting it with -update.
func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update if intended):\n%s", path, got)
	}
}

func BenchmarkBuildMarkup(b *testing.B) {
	v := sampleVerdict()
	for b.Loop() {
		if _, err := BuildMarkup(v); err != nil {
			b.Fatal(err)
		}
	}
}
