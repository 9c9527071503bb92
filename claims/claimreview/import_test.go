package claimreview

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"vigie/claims"
	"vigie/claims/fixtures"
)

var update = flag.Bool("update", false, "rewrite golden files")

func importFile(t *testing.T, path string) ([]claims.FactCheck, *Report) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fcs, rep, err := Import(f)
	if err != nil {
		t.Fatalf("Import(%s): %v", path, err)
	}
	return fcs, rep
}

// summary renders a report deterministically for golden files.
func summary(rep *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "format %s\nrecords %d\nimported %d\nskipped %d\nerrors %d\n", rep.Format, rep.Records, rep.Imported, rep.Skipped, len(rep.Errors))
	for _, r := range claims.Ratings {
		fmt.Fprintf(&b, "rating %s %d\n", r, rep.Ratings[r])
	}
	type kv struct {
		k string
		v int
	}
	var u []kv
	for k, v := range rep.UnknownRatings {
		u = append(u, kv{k, v})
	}
	sort.Slice(u, func(i, j int) bool {
		if u[i].v != u[j].v {
			return u[i].v > u[j].v
		}
		return u[i].k < u[j].k
	})
	fmt.Fprintf(&b, "distinct unknown textual ratings %d\n", len(u))
	for i, e := range u {
		if i == 10 {
			break
		}
		k := e.k
		if r := []rune(k); len(r) > 40 {
			k = string(r[:40]) + "…"
		}
		fmt.Fprintf(&b, "unknown %q %d\n", k, e.v)
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestImportSharedFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		format     Format
		minKnown   float64 // share of imported fact-checks with a known rating
	}{
		{"arabic_api", "google_factcheck_api_arabic_claim_reviews.json", FormatAPI, 0.9},
		{"factckbr_tsv", "factckbr_pt_br_claimreview.tsv", FormatTSV, 0.99},
		{"schemaorg_1", "schemaorg_claimreview_example_1.jsonld", FormatJSONLD, 1},
		{"schemaorg_2", "schemaorg_claimreview_example_2.jsonld", FormatJSONLD, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fcs, rep := importFile(t, fixtures.Path("claimreview", tt.file))
			if rep.Format != tt.format {
				t.Errorf("format %s, want %s", rep.Format, tt.format)
			}
			if rep.Imported != len(fcs) || rep.Imported == 0 {
				t.Fatalf("imported %d, returned %d", rep.Imported, len(fcs))
			}
			known := len(fcs) - rep.Ratings[claims.RatingUnknown]
			if share := float64(known) / float64(len(fcs)); share < tt.minKnown {
				t.Errorf("known ratings %.3f < %.3f", share, tt.minKnown)
			}
			for _, fc := range fcs {
				if fc.ID == "" || fc.Text == "" || !fc.Rating.Valid() {
					t.Fatalf("bad fact-check %+v", fc)
				}
				if fc.Rating == claims.RatingUnknown && fc.TextualRating != "" && Known(fc.TextualRating) {
					t.Fatalf("known textual rating %q marked unknown", fc.TextualRating)
				}
			}
			golden(t, tt.name, summary(rep))
		})
	}
}

func TestSchemaOrgExamples(t *testing.T) {
	t.Parallel()
	fcs, _ := importFile(t, fixtures.Path("claimreview", "schemaorg_claimreview_example_1.jsonld"))
	fc := fcs[0]
	// textual "True" wins over the inconsistent ratingValue 1 of 6
	if fc.Rating != claims.RatingTrue || fc.TextualRating != "True" || fc.Claimant != "Rich Perry" || !strings.Contains(fc.Text, "3,000 homicides") {
		t.Errorf("example 1: %+v", fc)
	}
	if fc.Date.Format("2006-01-02") != "2014-07-23" || fc.Publisher != "http://www.politifact.com/" {
		t.Errorf("example 1 date/publisher: %v %q", fc.Date, fc.Publisher)
	}
	fcs, _ = importFile(t, fixtures.Path("claimreview", "schemaorg_claimreview_example_2.jsonld"))
	fc = fcs[0]
	// no reviewRating: unknown, never guessed from reviewBody
	if fc.Rating != claims.RatingUnknown || fc.Claimant != "Barack Obama" {
		t.Errorf("example 2: %+v", fc)
	}
}

func TestJSONLDShapes(t *testing.T) {
	t.Parallel()
	review := func(claim, rating string) map[string]any {
		return map[string]any{"@type": "ClaimReview", "claimReviewed": claim, "url": "https://x.test/" + claim,
			"reviewRating": map[string]any{"@type": "Rating", "alternateName": rating}}
	}
	tests := []struct {
		name string
		doc  any
		want []claims.Rating
	}{
		{"single", review("a", "False"), []claims.Rating{claims.RatingFalse}},
		{"array", []any{review("a", "Faux"), review("b", "Enganoso")}, []claims.Rating{claims.RatingFalse, claims.RatingMisleading}},
		{"graph", map[string]any{"@context": "https://schema.org", "@graph": []any{map[string]any{"@type": "WebPage"}, review("a", "Vilseledande")}}, []claims.Rating{claims.RatingMisleading}},
		{"nested item text", map[string]any{"@type": "ClaimReview", "itemReviewed": map[string]any{"@type": "Claim", "name": "claim in item", "author": map[string]any{"name": "X"}}, "reviewRating": map[string]any{"ratingValue": "1", "bestRating": "5", "worstRating": "1"}}, []claims.Rating{claims.RatingFalse}},
		{"type array", map[string]any{"@type": []any{"ClaimReview"}, "claimReviewed": "c", "reviewRating": map[string]any{"alternateName": "something odd"}}, []claims.Rating{claims.RatingUnknown}},
		{"mainEntity", map[string]any{"@type": "WebPage", "mainEntity": review("a", "Sant")}, []claims.Rating{claims.RatingTrue}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := json.Marshal(tt.doc)
			fcs, rep, err := Import(strings.NewReader(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Format != FormatJSONLD || len(fcs) != len(tt.want) {
				t.Fatalf("format %s, %d fact-checks, want %d", rep.Format, len(fcs), len(tt.want))
			}
			for i, fc := range fcs {
				if fc.Rating != tt.want[i] {
					t.Errorf("fact-check %d rating %s, want %s", i, fc.Rating, tt.want[i])
				}
			}
		})
	}
}

func TestImportAPIObjectAndErrors(t *testing.T) {
	t.Parallel()
	in := `{"claims":[{"text":"t1","claimant":"c","claimReview":[{"publisher":{"name":"P","site":"p.test"},"url":"https://p.test/1","textualRating":"Mostly False","languageCode":"en","reviewDate":"2020-01-02T00:00:00Z"}]},{"text":"","claimReview":[]}]}`
	fcs, rep, err := Import(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Format != FormatAPI || len(fcs) != 1 || fcs[0].Rating != claims.RatingMostlyFalse || fcs[0].Publisher != "P" || fcs[0].Date.Year() != 2020 {
		t.Errorf("got %+v %+v", fcs, rep)
	}
	if rep.Skipped != 1 || len(rep.Errors) != 1 || rep.Errors[0].Record != 2 {
		t.Errorf("errors %+v", rep.Errors)
	}
	if _, _, err := Import(strings.NewReader("{broken")); err == nil {
		t.Error("broken json accepted")
	}
}

func TestImportCSV(t *testing.T) {
	t.Parallel()
	in := "claim,rating,url,date\n\"A, quoted claim\",Falso,https://x.test/1,2021-03-04\n,False,https://x.test/2,\n"
	fcs, rep, err := Import(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Format != FormatCSV || len(fcs) != 1 || fcs[0].Text != "A, quoted claim" || fcs[0].Rating != claims.RatingFalse {
		t.Errorf("got %+v %+v", fcs, rep)
	}
	if rep.Skipped != 1 || rep.Errors[0].Record != 3 {
		t.Errorf("errors %+v", rep.Errors)
	}
	if _, _, err := Import(strings.NewReader("a,b\n1,2\n")); err == nil {
		t.Error("csv without claim column accepted")
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		num        Numeric
		want       claims.Rating
	}{
		{"en false", "FALSE.", Numeric{}, claims.RatingFalse},
		{"pants on fire", "Pants on Fire!", Numeric{}, claims.RatingFalse},
		{"fr trompeur", "Trompeur", Numeric{}, claims.RatingMisleading},
		{"pt accent folded", "INSUSTENTÁVEL", Numeric{}, claims.RatingUnproven},
		{"es", "Engañoso", Numeric{}, claims.RatingMisleading},
		{"sv", "Delvis sant", Numeric{}, claims.RatingMixed},
		{"ar", "مضلل", Numeric{}, claims.RatingMisleading},
		{"ar diacritics", "مضلّل", Numeric{}, claims.RatingMisleading},
		{"satire", "Satire", Numeric{}, claims.RatingOther},
		{"unknown kept", "excitement", Numeric{}, claims.RatingUnknown},
		{"empty", "", Numeric{}, claims.RatingUnknown},
		{"numeric worst", "", Numeric{Value: 1, Best: 5, Worst: 1, Set: true}, claims.RatingFalse},
		{"numeric best", "", Numeric{Value: 5, Best: 5, Set: true}, claims.RatingTrue},
		{"numeric middle", "", Numeric{Value: 3, Best: 5, Worst: 1, Set: true}, claims.RatingMixed},
		{"numeric out of range", "", Numeric{Value: 9, Best: 5, Worst: 1, Set: true}, claims.RatingUnknown},
		{"textual wins over numeric", "True", Numeric{Value: 1, Best: 6, Set: true}, claims.RatingTrue},
		{"unknown text, numeric fallback", "weird", Numeric{Value: 1, Best: 5, Set: true}, claims.RatingFalse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.text, tt.num); got != tt.want {
				t.Errorf("Normalize(%q, %+v) = %s, want %s", tt.text, tt.num, got, tt.want)
			}
		})
	}
}

// TestXFactMapsCovered checks that every native rating of the X-Fact maps
// that is not ambiguous normalises to a known rating.
func TestXFactMapsCovered(t *testing.T) {
	t.Parallel()
	dir := fixtures.Path("claimreview", "xfact_rating_label_maps")
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) < 30 {
		t.Fatalf("found %d label maps", len(files))
	}
	total, known := 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			native, _, ok := strings.Cut(line, "\t")
			if !ok || strings.TrimSpace(native) == "" {
				continue
			}
			total++
			if Known(native) {
				known++
			}
		}
	}
	if float64(known)/float64(total) < 0.98 {
		t.Errorf("only %d of %d X-Fact native ratings known", known, total)
	}
}
