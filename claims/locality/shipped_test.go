package locality

import "testing"

func TestPlaceNameFromShippedGazetteers(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]string{
		"PT-1312": "Porto", "FR-75056": "Paris", "SE-0180": "Stockholm", "BR-3550308": "São Paulo", "ES-28079": "Madrid",
		"XX-1": "XX-1", // unknown: the code is the fallback
	} {
		if got := PlaceName(code); got != want {
			t.Errorf("PlaceName(%s) = %q, want %q", code, got, want)
		}
	}
	g, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() < 30000 {
		t.Errorf("shipped gazetteers hold %d localities, want the five countries' (> 30000)", g.Len())
	}
}
