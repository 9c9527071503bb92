package locality

import (
	"slices"
	"testing"
)

func TestAbroad(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		text, country string
		want          []string
	}{
		{"Eleições nos Estados Unidos: a Casa Branca aguarda", "PT", []string{"casa branca", "estados unidos"}},
		{"O Governo português apelou às autoridades de Portugal", "PT", nil},
		{"Le président américain à Washington", "FR", []string{"americain", "washington"}},
		{"Le gouvernement français", "FR", nil},
		{"Le gouvernement français", "PT", []string{"francais"}},
		{"Nothing foreign here, just the town council.", "FR", nil},
	} {
		if got := Abroad(tt.text, tt.country); !slices.Equal(got, tt.want) {
			t.Errorf("Abroad(%q, %s) = %q, want %q", tt.text, tt.country, got, tt.want)
		}
	}
}

func TestConcernsWithoutGazetteer(t *testing.T) {
	t.Parallel()
	src := Source{Localities: []string{"PT-1312"}}
	if c := Concerns(nil, "A câmara aprovou o orçamento.", src); c.Basis != BasisSource || !slices.Equal(c.Codes, []string{"PT-1312"}) {
		t.Errorf("nothing named: %+v", c)
	}
	if c := Concerns(nil, "Trump fala aos Estados Unidos.", src); c.Basis != BasisElsewhere || len(c.Codes) != 0 {
		t.Errorf("abroad: %+v", c)
	}
	if c := Concerns(nil, "A câmara aprovou o orçamento.", Source{}); c.Basis != BasisNone || len(c.Codes) != 0 {
		t.Errorf("no source locality: %+v", c)
	}
}
