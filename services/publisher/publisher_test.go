package publisher

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/publish/schemaorg"
	"vigie/pipeline/specs"
)

func vocabulary(t *testing.T) *schemaorg.Vocabulary {
	t.Helper()
	f, err := os.Open(specs.Path("schemaorg", "factcheck-terms.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := schemaorg.ReadVocabulary(f)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// claimDates gives the claim date the verdict record has no field for,
// as a wiring with the claims index would.
func claimDates(ctx context.Context, v *claims.Verdict) Details {
	pv := testSite.Publish(v)
	return Details{ClaimDate: time.Date(2026, 11, 20, 7, 30, 0, 0, time.UTC), Media: DetectMedia(pv)}
}

// jsonLD returns the decoded JSON-LD documents of a page, by @type.
func jsonLD(t *testing.T, page []byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, doc := range schemaorg.ExtractJSONLD(page) {
		var head struct {
			Type string `json:"@type"`
		}
		if err := json.Unmarshal(doc, &head); err != nil {
			t.Fatalf("json-ld does not parse: %v\n%s", err, doc)
		}
		out[head.Type] = doc
	}
	return out
}

// TestVerdictPageClaimReview is issue 7's done-when 1: the JSON-LD of a
// page published through the real workflow has every required and
// recommended ClaimReview field, uses only schema.org terms, and says
// what the verdict says.
func TestVerdictPageClaimReview(t *testing.T) {
	t.Parallel()
	vocab := vocabulary(t)
	all := append(slices.Clone(schemaorg.RequiredClaimReviewFields), schemaorg.RecommendedClaimReviewFields...)
	image := porto()
	image.Appearances = []string{"https://social.example/media/ponte.jpg", "https://social.example/@porto/1"}
	video := porto()
	video.Appearances = []string{"https://www.youtube.com/watch?v=abc123"}
	unproven := stockholm()
	unproven.Claimant, unproven.Appearances = "Ett inlägg", []string{"https://social.example/@sthlm/1"}
	cases := []struct {
		name      string
		in        claims.VerdictInput
		details   func(context.Context, *claims.Verdict) Details
		missing   []string // recommended fields expected absent
		value     int      // ratingValue; 0: none
		mediaType string   // snapshot type of the MediaReview, "" for none
	}{
		{name: "false with claim date", in: porto(), details: claimDates, value: 1},
		{name: "default details lack the claim date", in: porto(), missing: []string{"itemReviewed.datePublished"}, value: 1},
		{name: "misleading", in: paris(), details: claimDates, value: 2},
		{name: "unproven has no numeric rating", in: unproven, details: claimDates, missing: schemaorg.NumericRatingFields},
		{name: "image claim", in: image, details: claimDates, value: 1, mediaType: "ImageObjectSnapshot"},
		{name: "video claim", in: video, details: claimDates, value: 1, mediaType: "VideoObjectSnapshot"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, Options{Details: c.details})
			e.publish("c1", c.in)
			resp, body := e.get("/verdicts/c1")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			docs := jsonLD(t, body)
			cr, ok := docs["ClaimReview"]
			if !ok {
				t.Fatalf("no ClaimReview JSON-LD in the page:\n%s", body)
			}
			missing, err := schemaorg.MissingClaimReviewFields(cr, all)
			if err != nil {
				t.Fatal(err)
			}
			if want := c.missing; !slices.Equal(missing, want) {
				t.Errorf("missing fields %v, want %v\n%s", missing, want, cr)
			}
			if errs := vocab.Check(cr); len(errs) > 0 {
				t.Errorf("ClaimReview terms not in schema.org: %v", errs)
			}
			var got map[string]any
			if err := json.Unmarshal(cr, &got); err != nil {
				t.Fatal(err)
			}
			if u := schemaorg.Get(got, "url"); u != testSite.PageURL("c1") {
				t.Errorf("url %v, want %s", u, testSite.PageURL("c1"))
			}
			if cl := schemaorg.Get(got, "claimReviewed"); cl != c.in.ClaimReviewed {
				t.Errorf("claimReviewed %v", cl)
			}
			wantName := c.in.TextualRating
			if wantName == "" {
				wantName = claims.Rating(c.in.Rating).Label()
			}
			if n := schemaorg.Get(got, "reviewRating.alternateName"); n != wantName {
				t.Errorf("alternateName %v, want %q", n, wantName)
			}
			if v := schemaorg.Get(got, "reviewRating.ratingValue"); c.value == 0 && v != nil || c.value != 0 && v != float64(c.value) {
				t.Errorf("ratingValue %v, want %d", v, c.value)
			}
			if a := schemaorg.Get(got, "author.name"); a != testSite.Publisher.Name {
				t.Errorf("author %v", a)
			}
			if l := schemaorg.Get(got, "inLanguage"); l != c.in.Language {
				t.Errorf("inLanguage %v", l)
			}
			mr, hasMedia := docs["MediaReview"]
			if hasMedia != (c.mediaType != "") {
				t.Fatalf("MediaReview present %v, want %v", hasMedia, c.mediaType != "")
			}
			if hasMedia {
				if errs := vocab.Check(mr); len(errs) > 0 {
					t.Errorf("MediaReview terms not in schema.org: %v", errs)
				}
				if !bytes.Contains(mr, []byte(`"@type":"`+c.mediaType+`"`)) {
					t.Errorf("MediaReview without %s:\n%s", c.mediaType, mr)
				}
			}
		})
	}
}

func TestCorrectionVisible(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.publish("c1", porto())
	fixed := porto()
	fixed.Summary += "\n\nAtualização: a Câmara confirmou as obras noturnas."
	note := "Acrescentámos a confirmação da Câmara <sobre> as obras."
	e.correct("c1", fixed, note)
	resp, body := e.get("/verdicts/c1")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	page := string(body)
	for _, want := range []string{
		"Correções", // the section, in the verdict's language
		"Acrescentámos a confirmação da Câmara &lt;sobre&gt; as obras.", // the note, escaped
		"Versão 2", "Histórico de versões", "Esta verificação foi corrigida",
		"a Câmara confirmou as obras noturnas", // the corrected text
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	v, err := e.w.Verdict(context.Background(), "c1")
	if err != nil {
		t.Fatal(err)
	}
	if iso := v.Corrections[0].Date.UTC().Format(time.RFC3339); !strings.Contains(page, `<time datetime="`+iso+`">`) {
		t.Errorf("page lacks the correction date %s", iso)
	}
	cr := jsonLD(t, body)["ClaimReview"]
	var got map[string]any
	if err := json.Unmarshal(cr, &got); err != nil {
		t.Fatal(err)
	}
	if schemaorg.Get(got, "dateModified") == nil {
		t.Errorf("corrected verdict's ClaimReview has no dateModified:\n%s", cr)
	}
	_, feed := e.get("/feeds/verdicts.json")
	if !bytes.Contains(feed, []byte("Correction (")) {
		t.Errorf("feed entry lacks the correction:\n%s", feed)
	}
}

func TestRetractionVisible(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.publish("c1", porto())
	e.retract("c1", "A fonte era uma conta paródia.")
	resp, body := e.get("/verdicts/c1")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("a retracted verdict's page answers %d, want 200", resp.StatusCode)
	}
	page := string(body)
	for _, want := range []string{"Retirado", "Esta verificação foi retirada", "A fonte era uma conta paródia.", `class="verdict retracted"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if docs := schemaorg.ExtractJSONLD(body); len(docs) != 0 {
		t.Errorf("a retracted verdict keeps %d JSON-LD documents", len(docs))
	}
	_, atom := e.get("/feeds/verdicts.atom")
	if !bytes.Contains(atom, []byte("[retracted]")) {
		t.Errorf("feed does not mark the retraction:\n%s", atom)
	}
	_, list := e.get("/verdicts?lang=pt")
	if !bytes.Contains(list, []byte(`class="retracted-label"`)) {
		t.Errorf("list does not mark the retraction")
	}
}

func TestOnlyPublishedVerdictsArePublic(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.draft("draft1", porto())
	e.publish("pub1", paris())
	for _, c := range []struct {
		name, path string
		status     int
	}{
		{"draft page", "/verdicts/draft1", http.StatusNotFound},
		{"draft short link", "/v/draft1", http.StatusNotFound},
		{"unknown page", "/verdicts/nope", http.StatusNotFound},
		{"version key", "/verdicts/pub1.v1", http.StatusNotFound},
		{"published page", "/verdicts/pub1", http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, _ := e.get(c.path)
			if resp.StatusCode != c.status {
				t.Errorf("GET %s: %d, want %d", c.path, resp.StatusCode, c.status)
			}
		})
	}
	for _, f := range []string{"atom", "rss", "json"} {
		_, body := e.get(FeedPath(f))
		if bytes.Contains(body, []byte("draft1")) || !bytes.Contains(body, []byte("pub1")) {
			t.Errorf("%s feed shows a draft or misses the published verdict:\n%s", f, body)
		}
	}
}

func TestShortLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.publish("c1", porto())
	resp, _ := e.get("/v/c1")
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/verdicts/c1" {
		t.Fatalf("short link: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestRoutesArePublic checks the publisher's declarations: every route is
// public, none is declared twice, and an anonymous request to each reaches
// its handler (no policy refusal) through Handler.
func TestRoutesArePublic(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	routes := e.pub.Routes()
	p := account.NewPolicy(routes...)
	if len(p.Routes()) != len(routes) || len(routes) == 0 {
		t.Fatalf("%d routes declared, %d in the policy", len(routes), len(p.Routes()))
	}
	for _, r := range routes {
		t.Run(r.Pattern, func(t *testing.T) {
			method, path, _ := strings.Cut(r.Pattern, " ")
			if p.Refusal(method, path, account.RoleAnonymous) != 0 {
				t.Fatalf("%s is not public", r.Pattern)
			}
			req := httptest.NewRequest(method, strings.ReplaceAll(path, "{id}", "nope"), nil)
			rec := httptest.NewRecorder()
			e.pub.Handler(p).ServeHTTP(rec, req)
			if rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden || rec.Code == http.StatusMethodNotAllowed {
				t.Fatalf("%s: %d", r.Pattern, rec.Code)
			}
		})
	}
}
