package indextest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"vigie/pipeline/index"
)

// ClaimSettings are the index settings of a claim document as the indexer
// builds it; the suite and the benchmarks use them.
func ClaimSettings() index.Settings {
	return index.Settings{
		SchemaVersion: 1,
		Fields: []index.Field{
			{Name: "id", Type: index.Keyword, Filterable: true},
			{Name: "text", Type: index.Text, Searchable: true},
			{Name: "item_title", Type: index.Text, Searchable: true, Sortable: true},
			{Name: "item_url", Type: index.Keyword},
			{Name: "source", Type: index.Keyword, Filterable: true, Facetable: true},
			{Name: "source_name", Type: index.Keyword, Searchable: true},
			{Name: "language", Type: index.Keyword, Filterable: true, Facetable: true, Sortable: true},
			{Name: "worthiness", Type: index.Number, Filterable: true, Sortable: true, Facetable: true},
			{Name: "flagged", Type: index.Bool, Filterable: true, Facetable: true},
			{Name: "status", Type: index.Keyword, Filterable: true, Facetable: true},
			{Name: "assignee", Type: index.Keyword, Filterable: true},
			{Name: "localities", Type: index.Keyword, Filterable: true, Facetable: true},
			{Name: "published", Type: index.Time, Filterable: true, Sortable: true},
			{Name: "detected", Type: index.Time, Filterable: true, Sortable: true},
		},
		Synonyms: map[string][]string{"covid": {"coronavirus"}},
	}
}

var (
	genLanguages = []string{"fr", "en", "pt", "sv", "ar"}
	genSources   = []string{"ouest-france", "le-parisien", "publico", "svt", "aljazeera", "mastodon-social", "bluesky"}
	genStatuses  = []string{"new", "triage", "assigned", "drafted", "published", "dismissed"}
	genLocal     = []string{"FR-75056", "FR-69123", "FR-13055", "PT-1106", "PT-1312", "BR-3550308", "SE-0180", "SE-1480"}
	genWords     = map[string][]string{
		"fr": strings.Fields("le maire la mairie conseil municipal budget école hôpital écologie pollution vaccin élection impôts logement police transport tramway vélo déficit chômage immigration énergie nucléaire eau sécheresse incendie inondation région département préfet député sénat réforme retraite santé"),
		"en": strings.Fields("the mayor council city budget school hospital climate pollution vaccine election taxes housing police transport bus bike deficit unemployment immigration energy nuclear water drought fire flood region county governor senator reform pension health"),
		"pt": strings.Fields("o prefeito câmara municipal orçamento escola hospital clima poluição vacina eleição impostos habitação polícia transporte autocarro bicicleta défice desemprego imigração energia nuclear água seca incêndio cheia região distrito governo deputado reforma saúde"),
		"sv": strings.Fields("kommunen borgmästare fullmäktige budget skola sjukhus klimat förorening vaccin val skatter bostäder polis kollektivtrafik cykel underskott arbetslöshet invandring energi kärnkraft vatten torka brand översvämning region län regering riksdag reform pension hälsa"),
		"ar": strings.Fields("قال الرئيس إن الاقتصاد ينمو البلدية الميزانية المدرسة المستشفى المناخ التلوث اللقاح الانتخابات الضرائب السكن الشرطة النقل البطالة الهجرة الطاقة الماء الجفاف الحريق الفيضان المنطقة الحكومة البرلمان الإصلاح الصحة"),
	}
	genNumbers = []string{"12%", "3,5 millions", "40 000", "2 milliards", "18", "250", "1 sur 3", "deux fois plus"}
)

// GenerateClaims returns n claim documents built deterministically from seed
// (PCG): a sentence of 12–28 words from a per-language vocabulary with a
// figure in it, a title, one of 7 sources, 5 languages, 6 statuses, 0–2
// localities, worthiness in [0,1), flagged about one claim in 5, publication
// times over 2026, and a stored-only "matches" list. Ids are "c%07d".
// Each document is about 600 bytes of JSON, like a real claim.
func GenerateClaims(n int, seed uint64) []index.Document {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	docs := make([]index.Document, n)
	for i := range docs {
		lang := genLanguages[r.IntN(len(genLanguages))]
		words := genWords[lang]
		nw := 12 + r.IntN(17)
		parts := make([]string, 0, nw+1)
		for j := 0; j < nw; j++ {
			parts = append(parts, words[r.IntN(len(words))])
			if j == nw/2 {
				parts = append(parts, genNumbers[r.IntN(len(genNumbers))])
			}
		}
		title := strings.Join(parts[:min(6, len(parts))], " ")
		src := genSources[r.IntN(len(genSources))]
		published := base.Add(time.Duration(r.Int64N(int64(365 * 24 * time.Hour)))).Truncate(time.Second)
		detected := published.Add(time.Duration(r.Int64N(int64(6 * time.Hour)))).Truncate(time.Second)
		locs := make([]string, 0, 2)
		for k := r.IntN(3); k > 0; k-- {
			l := genLocal[r.IntN(len(genLocal))]
			if len(locs) == 0 || locs[0] != l {
				locs = append(locs, l)
			}
		}
		worth := float64(r.IntN(1000)) / 1000
		flagged := r.IntN(5) == 0
		d := index.Document{
			"id":          fmt.Sprintf("c%07d", i),
			"text":        strings.Join(parts, " "),
			"item_title":  title,
			"item_url":    fmt.Sprintf("https://news.example/%s/%d", src, i),
			"source":      src,
			"source_name": strings.ToUpper(src[:1]) + strings.ReplaceAll(src[1:], "-", " "),
			"language":    lang,
			"worthiness":  worth,
			"flagged":     flagged,
			"status":      genStatuses[r.IntN(len(genStatuses))],
			"localities":  locs,
			"published":   published.Format(time.RFC3339),
			"detected":    detected.Format(time.RFC3339),
		}
		if flagged {
			d["matches"] = []map[string]any{{
				"fact_check_id": fmt.Sprintf("fc%05d", r.IntN(20000)),
				"rating":        "false",
				"score":         float64(r.IntN(1000)) / 1000,
			}}
		} else {
			d["matches"] = []map[string]any{}
		}
		docs[i] = d
	}
	return docs
}
